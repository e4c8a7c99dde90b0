"""Properties of the forecast math (DESIGN section 4)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.services.forecast_methods import moving_average, naive, round_half_up, signal_adjusted

sales = st.one_of(st.none(), st.integers(min_value=0, max_value=1_000_000))
histories = st.lists(sales, max_size=30)
signals = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000))
horizons = st.integers(min_value=0, max_value=20)


@given(histories, horizons)
def test_naive_is_last_week_for_every_week(history, horizon):
    result = naive(history, horizon)
    expected = (history[-1] or 0) if history else 0
    assert result == [expected] * horizon


@given(histories, st.integers(min_value=1, max_value=30), horizons)
def test_moving_average_lies_between_the_window_min_and_max(history, n, horizon):
    result = moving_average(history, n, horizon)
    assert len(result) == horizon and len(set(result)) <= 1
    recorded = list(history[-n:])
    while recorded and recorded[0] is None:
        recorded.pop(0)
    window = [v or 0 for v in recorded]
    for value in result:
        assert value >= 0
        if window:
            assert min(window) <= value <= max(window)
        else:
            assert value == 0


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=30), horizons)
def test_moving_average_of_a_constant_is_the_constant(level, n, horizon):
    assert moving_average([level] * n, n, horizon) == [level] * horizon


def test_moving_average_examples():
    assert moving_average([10, 20, 30, 40], 3, 2) == [30, 30]
    assert moving_average([1, 2], 2, 1) == [2]  # 1.5 rounds half up
    assert moving_average([None, None, 6, None], 4, 1) == [3]  # not on sale before; a missing week after is 0
    assert moving_average([], 4, 2) == [0, 0]


@given(histories, st.lists(signals, max_size=25), horizons)
def test_signal_adjusted_is_never_negative_and_has_one_value_per_week(history, signal_list, horizon):
    result = signal_adjusted(history, signal_list, horizon)
    assert len(result) == horizon
    assert all(isinstance(v, int) and v >= 0 for v in result)


@given(
    st.integers(min_value=0, max_value=10**5),
    st.lists(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=15),
)
def test_signal_adjusted_telescopes_to_last_sales_times_signal_ratio(last, signal_list):
    horizon = len(signal_list) - 1
    result = signal_adjusted([last], signal_list, horizon)
    for k in range(1, horizon + 1):
        assert result[k - 1] == round_half_up(Fraction(last) * signal_list[k] / signal_list[0])


@given(st.integers(min_value=0, max_value=10**5), horizons)
def test_signal_adjusted_without_signals_is_naive(last, horizon):
    assert signal_adjusted([last], [], horizon) == naive([last], horizon)
    assert signal_adjusted([last], [0] * (horizon + 1), horizon) == naive([last], horizon)


def test_signal_adjusted_examples():
    # last week 100 sold, signal 50 -> 75 -> missing (carried) -> 150
    assert signal_adjusted([80, 100], [50, 75, None, 150], 3) == [150, 150, 300]
    # a previous signal of 0 gives no information: ratio 1
    assert signal_adjusted([100], [0, 40, 80], 2) == [100, 200]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        moving_average([1], 0, 1)
    with pytest.raises(ValueError):
        naive([-1], 1)
    with pytest.raises(ValueError):
        signal_adjusted([1], [-1, 2], 1)
