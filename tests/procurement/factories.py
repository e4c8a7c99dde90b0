from datetime import date
from decimal import Decimal

import factory

from erp.models import Currency, Item
from procurement.models import BomLine, ComponentProfile, PriceBreak, Supplier, SupplierOffer
from tests.erp.factories import ItemFactory, ProductFactory


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"SUP-T{n:04d}")
    name = factory.Sequence(lambda n: f"Supplier {n}")
    country = "CN"
    currency = factory.LazyFunction(lambda: Currency.objects.get(code="CNY"))
    payment_terms = Supplier.Terms.NET60


class ComponentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComponentProfile

    item = factory.SubFactory(ItemFactory)
    category = ComponentProfile.Category.SCREW
    default_lead_time_days = 14


class AssemblyFactory(ItemFactory):
    sku = factory.Sequence(lambda n: f"AS-{n:05d}")
    name = factory.Sequence(lambda n: f"Assembly {n}")
    kind = Item.Kind.ASSEMBLY


class BomLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BomLine

    parent = factory.SubFactory(ProductFactory)
    child = factory.SubFactory(ItemFactory)
    qty_per = Decimal(1)
    scrap_pct = Decimal(0)
    valid_from = date(2026, 1, 1)


class SupplierOfferFactory(factory.django.DjangoModelFactory):
    """An offer with price breaks: ``breaks=[(min_qty, unit_price), ...]`` (default one break at 1)."""

    class Meta:
        model = SupplierOffer
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    item = factory.SubFactory(ItemFactory)
    currency = factory.LazyFunction(lambda: Currency.objects.get(code="CNY"))
    moq = 1
    order_multiple = 1
    lead_time_days = 14
    valid_from = date(2026, 1, 1)

    @factory.post_generation
    def breaks(self, create, extracted, **kwargs):
        if create:
            PriceBreak.objects.bulk_create(
                PriceBreak(offer=self, min_qty=q, unit_price=Decimal(p)) for q, p in (extracted or [(1, "1.00")])
            )
