from decimal import Decimal

import factory

from erp.weeks import IsoWeek
from retail import services
from retail.models import PrepaymentAccount, Retailer, RetailerTier, RetailerUser
from tests.erp.factories import PriceFactory, UserFactory


class RetailerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Retailer
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"R-T{n:04d}")
    legal_name = factory.Sequence(lambda n: f"Retailer {n} Trading Co., Ltd.")
    region = "East"
    tier = RetailerTier.STANDARD
    contact_email = factory.LazyAttribute(lambda r: f"{r.code.lower()}@example.com")

    @factory.post_generation
    def account(self, create, extracted, **kwargs):
        if create:
            PrepaymentAccount.objects.get_or_create(retailer=self)


def retailer_user_for(retailer, *, is_admin: bool = False, **kwargs):
    """A portal user of ``retailer`` (role retailer, not staff)."""
    from erp import roles

    user = UserFactory(roles=[roles.RETAILER], is_staff=False, **kwargs)
    RetailerUser.objects.create(user=user, retailer=retailer, is_admin=is_admin)
    return user


def deposit(retailer, amount, reference=None):
    return services.prepayment_deposit_record(
        acting_user=None,
        retailer=retailer,
        amount=Decimal(str(amount)),
        reference=reference or f"BANK-{retailer.code}-{retailer.prepayment_account.entries.count() + 1}",
    )


def priced_product(retailer_price="2699.00", list_price="2999.00", **kwargs):
    """A product with a retailer price in force today."""
    price = PriceFactory(retailer_price=Decimal(retailer_price), list_price=Decimal(list_price), **kwargs)
    return price.item


def make_order(retailer, lines, *, confirm: bool = False, week=None):
    """``lines`` is [(product, quantity)]; requested for next week unless ``week`` is given."""
    week = week or IsoWeek.current() + 1
    order = services.retailer_order_create(
        acting_user=None,
        retailer=retailer,
        lines=[services.RetailerOrderLineInput(item, qty, week) for item, qty in lines],
    )
    if confirm:
        order = services.retailer_order_confirm(acting_user=None, order=order)
    return order


def make_store(code, *, retailer=None, warehouse=None, region="East", cover_days=7, **kwargs):
    """A store through ``store_create``: Tempo's own unless ``retailer`` is given."""
    return services.store_create(
        acting_user=None,
        code=code,
        name=kwargs.pop("name", f"{code} store"),
        region=region,
        retailer=retailer,
        cover_days=cover_days,
        replenished_from=warehouse,
        **kwargs,
    )


def record_sales(store, item, units_by_day: dict, *, user=None, source="staff"):
    """Report ``{date: units}`` of ``item`` for ``store`` through the sell-through service (staff scope)."""
    from retail.selectors import ALL_STORES

    return services.store_sell_through_record(
        acting_user=user,
        scope=ALL_STORES,
        source=source,
        rows=[services.SellThroughInput(store.location.code, item, day, units) for day, units in units_by_day.items()],
    )
