import factory

from erp.models import Currency
from procurement.models import ComponentProfile, Supplier
from tests.erp.factories import ItemFactory


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
