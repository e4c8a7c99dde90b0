"""The forecast methods of DESIGN section 4, as pure functions of weekly numbers.

Inputs are aligned by week. ``history`` holds the units sold in the weeks just before the
first forecast week w0, oldest first (``history[-1]`` is week w0-1, "last week"); ``None``
means no sales actual was recorded for that week. Each function returns one whole,
non-negative quantity per forecast week w0, w0+1, ... (``horizon`` of them).

Missing data:

* A week without any sales actual, after the product's first recorded week in the window,
  counts as 0 sold. Weeks before the first recorded one are not history (the product was not
  on sale yet): they are left out of averages. No recorded week at all gives 0.
* Signals: ``signals[w]`` is the sum of the product's demand signals (search + forum + social)
  of week w, ``None`` when none was imported. A missing week carries the last known signal
  forward (ratio 1); a ratio whose previous signal is 0 or unknown is taken as 1 (no
  information), so a forecast never divides by zero and falls back to the naive one.

Rounding: exact fractions, rounded half up to a whole unit only at the end.

``naive``: F[w] = sales[w0-1] for every forecast week.
``moving_average(n)``: F[w] = mean of the last n weeks' sales (of the recorded weeks if the
product has fewer than n), for every forecast week.
``signal_adjusted``: F[w] = A[w-1] x signal[w] / signal[w-1], where A[w-1] is the actual sales
of w-1 when known (w = w0: last week's sales) and the forecast F[w-1] after that; it telescopes
to sales[w0-1] x signal[w] / signal[w0-1].
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction


def round_half_up(value: Fraction) -> int:
    """The nearest whole number, halves rounded up; never below 0."""
    if value <= 0:
        return 0
    return int((value * 2 + 1) // 2)


def _recorded(history: Sequence[int | None]) -> list[int]:
    """The history from the first recorded week on, with unrecorded weeks after it as 0."""
    values = list(history)
    while values and values[0] is None:
        values.pop(0)
    return [0 if v is None else int(v) for v in values]


def _check(history: Sequence[int | None], horizon: int) -> None:
    if horizon < 0:
        raise ValueError("horizon cannot be negative")
    for value in history:
        if value is not None and value < 0:
            raise ValueError("sales cannot be negative")


def naive(history: Sequence[int | None], horizon: int) -> list[int]:
    """Last week's sales for every forecast week (0 when last week has no recorded sales)."""
    _check(history, horizon)
    last = history[-1] if history else None
    return [int(last or 0)] * horizon


def moving_average(history: Sequence[int | None], n: int, horizon: int) -> list[int]:
    """The mean of the last ``n`` weeks' sales, rounded half up, for every forecast week."""
    if n < 1:
        raise ValueError("n must be at least 1")
    _check(history, horizon)
    window = _recorded(list(history)[-n:])
    if not window:
        return [0] * horizon
    return [round_half_up(Fraction(sum(window), len(window)))] * horizon


def signal_adjusted(history: Sequence[int | None], signals: Sequence[Number | None], horizon: int) -> list[int]:
    """Last week's sales scaled week by week by the signal's change; see the module docstring.

    ``signals`` covers week w0-1 then the forecast weeks: ``signals[0]`` is last week's signal and
    ``signals[k]`` the signal of w0+k-1, so it has ``horizon + 1`` entries (shorter is padded
    with ``None``).
    """
    _check(history, horizon)
    for value in signals:
        if value is not None and value < 0:
            raise ValueError("signals cannot be negative")
    padded = list(signals)[: horizon + 1] + [None] * max(0, horizon + 1 - len(signals))
    level = Fraction(int((history[-1] if history else None) or 0))
    previous = padded[0]
    result = []
    for k in range(1, horizon + 1):
        current = padded[k] if padded[k] is not None else previous
        if previous is not None and current is not None and previous > 0:
            level = level * Fraction(current) / Fraction(previous)
        result.append(round_half_up(level))
        previous = current
    return result
