from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from erp.models import Currency, FxRate, Item, Price

PASSWORD = "s3cret-pass-for-tests"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    sku = factory.Sequence(lambda n: f"CP-{n:05d}")
    name = factory.Sequence(lambda n: f"Component {n}")
    kind = Item.Kind.COMPONENT
    unit = Item.Unit.PIECE
    batch_multiple = 1


class ProductFactory(ItemFactory):
    sku = factory.Sequence(lambda n: f"TP-{n:05d}")
    name = factory.Sequence(lambda n: f"Phone {n}")
    kind = Item.Kind.PRODUCT
    family = "Phones"
    batch_multiple = 500


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    item = factory.SubFactory(ProductFactory)
    list_price = Decimal("2999.00")
    retailer_price = Decimal("2699.00")
    valid_from = date(2026, 1, 1)
    valid_to = None


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FxRate

    currency = factory.LazyFunction(lambda: Currency.objects.get(code="USD"))
    date = date(2026, 11, 2)
    rate = Decimal("7.10000000")
