import factory

from logistics import services
from logistics.models import Factory, Location, LocationKind, StockMoveReason
from tests.erp.factories import ItemFactory


class FactoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factory

    code = factory.Sequence(lambda n: f"FAC-T{n:04d}")
    name = factory.Sequence(lambda n: f"Factory {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    code = factory.Sequence(lambda n: f"WH-T{n:04d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = LocationKind.WAREHOUSE
    region = "East"


class FactoryStoreFactory(LocationFactory):
    code = factory.Sequence(lambda n: f"FS-T{n:04d}")
    kind = LocationKind.FACTORY_STORE
    factory = factory.SubFactory(FactoryFactory)


def give_stock(item=None, location=None, qty: int = 100, reason: str = StockMoveReason.OPENING):
    """Put ``qty`` of ``item`` at ``location`` through the service; returns (item, location)."""
    item = item or ItemFactory()
    location = location or LocationFactory()
    services.stock_move_post(acting_user=None, item=item, qty=qty, to_location=location, reason=reason)
    return item, location
