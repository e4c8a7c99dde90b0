from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from erp.errors import ApplicationError
from erp.weeks import IsoWeek
from orders import selectors, services
from orders.models import ConsumerOrder, DemandSignal, ForecastValue, ForecastVersion, SalesActual
from orders.services import CellInput, ConsumerOrderLineInput, IdempotencyKeyReused, SignalInput
from tests.erp.factories import ItemFactory, ProductFactory
from tests.orders.factories import (
    DemandSignalFactory,
    ForecastValueFactory,
    SalesActualFactory,
    make_consumer_order,
)

pytestmark = pytest.mark.django_db
W0 = IsoWeek.current


def test_week_must_be_a_monday_in_the_database():
    ForecastValueFactory(week=W0().monday)
    with pytest.raises(IntegrityError), transaction.atomic():
        ForecastValueFactory(week=W0().sunday)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesActualFactory(week=W0().sunday)


def test_only_one_current_version_in_the_database():
    services.forecast_version_create(acting_user=None, name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        ForecastVersion.objects.create(number=99, name="B", is_current=True)


def test_first_version_is_current_and_copies_are_not():
    first = services.forecast_version_create(acting_user=None, name="Base")
    product = ProductFactory()
    services.forecast_values_set(acting_user=None, version=first, cells=[CellInput(product, W0().key, 50)])
    second = services.forecast_version_create(acting_user=None, name="Copy")
    assert first.is_current and not second.is_current and second.number == first.number + 1
    assert second.values.get().quantity == 50
    empty = services.forecast_version_create(acting_user=None, name="Empty", copy_current=False)
    assert not empty.values.exists()
    services.forecast_version_make_current(acting_user=None, version=second)
    assert list(ForecastVersion.objects.filter(is_current=True)) == [second]


@pytest.mark.parametrize(
    "week, quantity, message",
    [
        ("2026-W60", 1, "no ISO week 60"),
        ("2026/48", 1, "not an ISO week"),
        (None, -1, "0 or more"),
        (None, 1.5, "0 or more"),
        ("2099-W01", 1, "out of range"),
    ],
)
def test_bad_cells_are_refused_and_nothing_is_written(week, quantity, message):
    version = services.forecast_version_create(acting_user=None, name="V")
    product = ProductFactory()
    cells = [CellInput(product, (W0() + 1).key, 10), CellInput(product, week or W0().key, quantity)]
    with pytest.raises(ApplicationError, match=message):
        services.forecast_values_set(acting_user=None, version=version, cells=cells)
    assert not ForecastValue.objects.exists()


def test_components_have_no_forecast():
    version = services.forecast_version_create(acting_user=None, name="V")
    with pytest.raises(ApplicationError, match="not a product"):
        services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(ItemFactory(), W0(), 1)])


def test_values_set_overwrites_a_cell_and_records_the_method():
    version = services.forecast_version_create(acting_user=None, name="V")
    product = ProductFactory()
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0(), 10)])
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0(), 20)], method="api")
    value = ForecastValue.objects.get()
    assert (value.quantity, value.method) == (20, "api")
    assert version.history.filter(history_change_reason__contains="values set").count() == 2


def test_generate_moving_average_and_naive_from_sales():
    version = services.forecast_version_create(acting_user=None, name="V")
    product = ProductFactory()
    for back, qty in [(3, 100), (2, 200), (1, 600)]:
        SalesActualFactory(item=product, week=(W0() - back).monday, quantity=qty)
    SalesActualFactory(item=product, week=(W0() - 1).monday, channel="online", quantity=300)
    count = services.forecast_generate(
        acting_user=None, version=version, method="moving_average", n=3, from_week=W0(), weeks=4, items=[product]
    )
    assert count == 4
    values = list(ForecastValue.objects.order_by("week"))
    assert [v.quantity for v in values] == [400] * 4  # (100 + 200 + 900) / 3
    assert {(v.method, v.method_param) for v in values} == {("moving_average", 3)}
    services.forecast_generate(
        acting_user=None, version=version, method="naive", from_week=W0(), weeks=2, items=[product]
    )
    assert [v.quantity for v in ForecastValue.objects.order_by("week")] == [900, 900, 400, 400]


def test_generate_signal_adjusted():
    version = services.forecast_version_create(acting_user=None, name="V")
    product = ProductFactory()
    SalesActualFactory(item=product, week=(W0() - 1).monday, quantity=100)
    DemandSignalFactory(item=product, week=(W0() - 1).monday, value=40)
    DemandSignalFactory(item=product, week=(W0() - 1).monday, source="forum", value=10)
    DemandSignalFactory(item=product, week=W0().monday, value=100)
    services.forecast_generate(
        acting_user=None, version=version, method="signal_adjusted", from_week=W0(), weeks=2, items=[product]
    )
    assert [v.quantity for v in ForecastValue.objects.order_by("week")] == [200, 200]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "magic", "weeks": 4}, "Unknown forecast method"),
        ({"method": "moving_average", "weeks": 4}, "needs n"),
        ({"method": "moving_average", "n": 0, "weeks": 4}, "needs n"),
        ({"method": "naive", "weeks": 0}, "weeks must be"),
        ({"method": "naive", "weeks": 53}, "weeks must be"),
    ],
)
def test_generate_refuses_bad_input(kwargs, message):
    version = services.forecast_version_create(acting_user=None, name="V")
    with pytest.raises(ApplicationError, match=message):
        services.forecast_generate(acting_user=None, version=version, from_week=W0(), **kwargs)


def test_demand_signals_import_and_refusals():
    product = ProductFactory()
    count = services.demand_signals_import(
        acting_user=None,
        signals=[SignalInput(product, W0().key, "search", "12.5"), SignalInput(product, W0().key, "social", 3)],
    )
    assert count == 2 and DemandSignal.objects.get(source="search").value == Decimal("12.50")
    for bad, message in [("-1", "0 or more"), ("abc", "0 or more")]:
        with pytest.raises(ApplicationError, match=message):
            services.demand_signals_import(acting_user=None, signals=[SignalInput(product, W0(), "forum", bad)])
    with pytest.raises(ApplicationError, match="unknown source"):
        services.demand_signals_import(acting_user=None, signals=[SignalInput(product, W0(), "tv", 1)])
    assert DemandSignal.objects.count() == 2


def test_sales_actual_set_replaces():
    product = ProductFactory()
    services.sales_actual_set(acting_user=None, item=product, week=W0() - 1, quantity=5)
    services.sales_actual_set(acting_user=None, item=product, week=W0() - 1, quantity=7)
    assert SalesActual.objects.get().quantity == 7
    with pytest.raises(ApplicationError, match="0 or more"):
        services.sales_actual_set(acting_user=None, item=product, week=W0() - 1, quantity=-2)


def _order(key="k1", quantity=2, product=None, week=None):
    product = product or ProductFactory()
    return services.consumer_order_create(
        acting_user=None,
        idempotency_key=key,
        channel="online",
        customer_ref="c-1",
        requested_week=week or W0() + 1,
        lines=[ConsumerOrderLineInput(product, quantity)],
    )


def test_consumer_order_is_idempotent_on_its_key():
    product = ProductFactory()
    order, created = _order(product=product)
    again, created_again = _order(product=product)
    assert created and not created_again and again.pk == order.pk
    assert order.number.startswith("CO-") and ConsumerOrder.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused, match="different request"):
        _order(product=product, quantity=3)
    assert ConsumerOrder.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"idempotency_key": ""}, "Idempotency-Key is required"),
        ({"channel": "fax"}, "Unknown channel"),
        ({"customer_ref": " "}, "customer reference"),
        ({"requested_week": "2026-W99"}, "no ISO week 99"),
        ({"lines": []}, "at least one line"),
    ],
)
def test_consumer_order_bad_input(kwargs, message):
    args = {
        "acting_user": None,
        "idempotency_key": "k",
        "channel": "online",
        "customer_ref": "c",
        "requested_week": W0() + 1,
        "lines": [ConsumerOrderLineInput(ProductFactory(), 1)],
        **kwargs,
    }
    with pytest.raises(ApplicationError, match=message):
        services.consumer_order_create(**args)
    assert not ConsumerOrder.objects.exists()


def test_consumer_order_refuses_past_week_zero_quantity_and_components():
    with pytest.raises(ApplicationError, match="in the past"):
        _order(week=W0() - 1)
    with pytest.raises(ApplicationError, match="from 1 to"):
        _order(quantity=0)
    with pytest.raises(ApplicationError, match="not a product"):
        _order(product=ItemFactory())


def test_pay_and_cancel_transitions():
    order, _ = _order()
    order = services.consumer_order_pay(acting_user=None, order=order)
    assert order.status == "paid" and order.paid_at
    with pytest.raises(ApplicationError, match="only a pending order"):
        services.consumer_order_pay(acting_user=None, order=order)
    order = services.consumer_order_cancel(acting_user=None, order=order)
    assert order.status == "cancelled"
    with pytest.raises(ApplicationError, match="is cancelled"):
        services.consumer_order_cancel(acting_user=None, order=order)


def test_selectors_for_the_demand_plan():
    a, b = ProductFactory(), ProductFactory()
    version = services.forecast_version_create(acting_user=None, name="V")
    other = services.forecast_version_create(acting_user=None, name="Other")
    services.forecast_values_set(
        acting_user=None, version=version, cells=[CellInput(a, W0() + 1, 10), CellInput(b, W0() + 20, 5)]
    )
    services.forecast_values_set(acting_user=None, version=other, cells=[CellInput(a, W0() + 1, 99)])
    assert selectors.forecast_quantities(from_week=W0(), weeks=12) == {(a.pk, (W0() + 1).monday): 10}
    assert selectors.forecast_quantities(from_week=W0(), weeks=12, item_ids=[b.pk]) == {}

    make_consumer_order(lines=[(a, 3), (b, 1)])
    make_consumer_order(lines=[(a, 4)], status="paid")
    make_consumer_order(lines=[(a, 100)], status="cancelled")
    make_consumer_order(lines=[(a, 7)], week=W0() + 13)
    week1 = (W0() + 1).monday
    assert selectors.committed_consumer_demand(from_week=W0(), weeks=12) == {(a.pk, week1): 7, (b.pk, week1): 1}

    def retail(*, from_week, weeks, item_ids=None):
        return {(a.pk, week1): 5}

    selectors.committed_demand_register(retail)
    try:
        assert selectors.committed_demand(from_week=W0(), weeks=12, item_ids=[a.pk])[(a.pk, week1)] == 12
    finally:
        from orders.selectors import demand

        demand._COMMITTED_SOURCES.remove(retail)

    SalesActualFactory(item=a, week=(W0() - 1).monday, quantity=4)
    SalesActualFactory(item=a, week=(W0() - 1).monday, channel="online", quantity=6)
    assert selectors.sales_actuals(from_week=W0() - 2, weeks=2) == {(a.pk, (W0() - 1).monday): 10}


def test_forecast_accuracy():
    a = ProductFactory()
    version = services.forecast_version_create(acting_user=None, name="V")
    weeks = [W0() - 2, W0() - 1]
    services.forecast_values_set(
        acting_user=None, version=version, cells=[CellInput(a, weeks[0], 110), CellInput(a, weeks[1], 80)]
    )
    SalesActualFactory(item=a, week=weeks[0].monday, quantity=100)
    SalesActualFactory(item=a, week=weeks[1].monday, quantity=100)
    (row,) = selectors.forecast_accuracy(version=version, from_week=weeks[0], weeks=2)
    assert row.mape == Decimal("15.0")  # (10% + 20%) / 2
    assert row.bias == Decimal("-5.0")  # (190 - 200) / 200


def test_version_name_rules():
    with pytest.raises(ApplicationError, match="needs a name"):
        services.forecast_version_create(acting_user=None, name="  ")
    with pytest.raises(ApplicationError, match="name"):
        services.forecast_version_create(acting_user=None, name="x" * 101)
    assert not ForecastVersion.objects.exists()


def test_a_replay_returns_the_order_even_after_its_week_has_passed(monkeypatch):
    product = ProductFactory()
    order, _ = _order(key="late", product=product, week=W0() + 1)
    later = W0() + 3
    monkeypatch.setattr(IsoWeek, "current", classmethod(lambda cls, now=None: later))
    again, created = _order(key="late", product=product, week=IsoWeek.of(order.requested_week))
    assert again.pk == order.pk and not created


def test_a_consumer_order_has_one_creation_row_in_its_history():
    from erp.weeks import IsoWeek
    from orders.services import ConsumerOrderLineInput, consumer_order_create
    from tests.erp.factories import ProductFactory

    order, _ = consumer_order_create(
        acting_user=None,
        idempotency_key="k-history",
        channel="online",
        customer_ref="c-1",
        requested_week=IsoWeek.current() + 1,
        lines=[ConsumerOrderLineInput(ProductFactory(), 1)],
    )
    assert list(order.history.values_list("history_type", "history_change_reason")) == [("+", "created (online)")]
