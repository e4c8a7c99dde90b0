"""A small world for the order meeting: phones with forecasts, factories, a locked plan and stock."""

from dataclasses import dataclass

from erp.weeks import IsoWeek
from logistics.models import Factory, LocationKind
from orders.models import ForecastVersion
from tests.erp.factories import ProductFactory
from tests.logistics.factories import LocationFactory, give_stock
from tests.logistics.factories_production import FactoryCapacityFactory, FactoryFactory, make_locked
from tests.orders.factories import ForecastValueFactory, ForecastVersionFactory


@dataclass
class MeetingWorld:
    week: IsoWeek
    phones: list
    factories: list[Factory]


def meeting_world(count: int = 1, *, planned: int = 800, capacities=(1000, 500), batch: int = 100) -> MeetingWorld:
    """``count`` phones, each made by two factories (``capacities``), 1,000 forecast a week, 1,200 in stock,
    and a locked plan of ``planned`` a week for the first three weeks at the first factory."""
    week = IsoWeek.current()
    version = ForecastVersion.objects.filter(is_current=True).first() or ForecastVersionFactory(is_current=True)
    factories = [FactoryFactory() for _ in capacities]
    warehouse = LocationFactory(kind=LocationKind.WAREHOUSE)
    phones, lines = [], []
    for _ in range(count):
        phone = ProductFactory(batch_multiple=batch, family="Phones")
        phones.append(phone)
        for w in range(16):
            ForecastValueFactory(version=version, item=phone, week=(week + w).monday, quantity=1000)
        for fac, cap in zip(factories, capacities, strict=True):
            FactoryCapacityFactory(factory=fac, item=phone, weekly_capacity=cap)
        lines += [(factories[0], phone, week + w, planned) for w in range(3)]
        give_stock(phone, warehouse, 1200)
    make_locked(lines)
    return MeetingWorld(week=week, phones=phones, factories=factories)
