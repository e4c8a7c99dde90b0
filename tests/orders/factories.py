import uuid

import factory

from erp.weeks import IsoWeek
from orders.models import ConsumerOrder, DemandSignal, ForecastValue, ForecastVersion, SalesActual
from orders.services import ConsumerOrderLineInput, consumer_order_create
from tests.erp.factories import ProductFactory


class ForecastVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForecastVersion

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Version {n}")


class ForecastValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForecastValue

    version = factory.SubFactory(ForecastVersionFactory)
    item = factory.SubFactory(ProductFactory)
    week = factory.LazyFunction(lambda: IsoWeek.current().monday)
    quantity = 100
    method = ForecastValue.Method.MANUAL


class SalesActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesActual

    item = factory.SubFactory(ProductFactory)
    week = factory.LazyFunction(lambda: (IsoWeek.current() - 1).monday)
    quantity = 100


class DemandSignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandSignal

    item = factory.SubFactory(ProductFactory)
    week = factory.LazyFunction(lambda: (IsoWeek.current() - 1).monday)
    source = DemandSignal.Source.SEARCH
    value = 100


def make_consumer_order(*, lines, week=None, channel="presale", status="pending", key=None) -> ConsumerOrder:
    """A consumer order through the service; ``lines`` = [(item, quantity)]; ``status`` paid/cancelled applied."""
    from orders import services

    order, _created = consumer_order_create(
        acting_user=None,
        idempotency_key=key or str(uuid.uuid4()),
        channel=channel,
        customer_ref="cust-1",
        requested_week=week or IsoWeek.current() + 1,
        lines=[ConsumerOrderLineInput(item, qty) for item, qty in lines],
    )
    if status == "paid":
        order = services.consumer_order_pay(acting_user=None, order=order)
    elif status == "cancelled":
        order = services.consumer_order_cancel(acting_user=None, order=order)
    return order
