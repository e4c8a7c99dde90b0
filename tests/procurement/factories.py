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


def make_offer(supplier, item, *, breaks=None, moq=1000, order_multiple=500, currency="CNY", **overrides):
    """A supplier offer through the service (so its breaks are checked), valid from 2026-01-01."""
    from datetime import date
    from decimal import Decimal

    from procurement import services

    return services.supplier_offer_create(
        acting_user=None,
        supplier=supplier,
        item=item,
        currency=Currency.objects.get(code=currency),
        moq=moq,
        order_multiple=order_multiple,
        lead_time_days=overrides.pop("lead_time_days", 14),
        valid_from=overrides.pop("valid_from", date(2026, 1, 1)),
        breaks=breaks or [(1, Decimal("2.00")), (5000, Decimal("1.50"))],
        **overrides,
    )


def make_order(supplier=None, *, lines=(), order_date=None, status="draft", promised=None, user=None):
    """A purchase order through the services, taken as far as ``status`` (draft, sent or confirmed).

    ``lines`` are (item, quantity) or (item, quantity, unit_price); ``promised`` is the promised date
    for every line when confirming (default: the order date + 30 days).
    """
    from datetime import date, timedelta

    from procurement import services

    supplier = supplier or SupplierFactory()
    order_date = order_date or date(2026, 6, 1)
    rows = []
    for line in lines:
        item, quantity, *price = line
        rows.append({"item": item, "quantity": quantity, "unit_price": price[0] if price else None})
    order = services.purchase_order_create(acting_user=user, supplier=supplier, order_date=order_date, lines=rows)
    if status in ("sent", "confirmed"):
        order = services.purchase_order_send(acting_user=user, order=order)
    if status == "confirmed":
        when = promised or order_date + timedelta(days=30)
        numbers = order.lines.values_list("line_number", flat=True)
        order = services.purchase_order_confirm(
            acting_user=user, order=order, promised_dates=dict.fromkeys(numbers, when)
        )
    return order
