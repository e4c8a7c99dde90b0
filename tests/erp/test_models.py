"""The database itself refuses rows that break the kernel's invariants,
whatever code path writes them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from erp.models import FxRate, Item, Price
from tests.erp.factories import FxRateFactory, ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "changes",
    [
        {"sku": "lower-case"},
        {"sku": "-STARTS-WITH-DASH"},
        {"sku": "HAS SPACE"},
        {"name": ""},
        {"kind": "service"},
        {"unit": "barrel"},
        {"lifecycle_status": "dead"},
        {"batch_multiple": 0},
        {"case_pack": 0},
        {"case_pack": 100_001},
    ],
)
def test_item_constraints_refuse_bad_rows(changes):
    item = ItemFactory()
    assert _refused(lambda: Item.objects.filter(pk=item.pk).update(**changes))


def test_item_sku_is_unique():
    ItemFactory(sku="CP-SAME")
    assert _refused(lambda: ItemFactory(sku="CP-SAME"))


@pytest.mark.parametrize(
    "changes",
    [
        {"list_price": Decimal("0")},
        {"list_price": Decimal("-1")},
        {"retailer_price": Decimal("0")},
        {"retailer_price": Decimal("3000.00")},  # above the list price of 2999
        {"valid_to": date(2025, 12, 31)},  # before valid_from 2026-01-01
    ],
)
def test_price_constraints_refuse_bad_rows(changes):
    price = PriceFactory()
    assert _refused(lambda: Price.objects.filter(pk=price.pk).update(**changes))


def test_price_one_start_date_per_item():
    price = PriceFactory()
    assert _refused(lambda: PriceFactory(item=price.item, valid_from=price.valid_from))


def test_valid_rows_are_accepted():
    product = ProductFactory()
    PriceFactory(item=product, valid_from=date(2026, 1, 1), valid_to=date(2026, 1, 1))
    assert Price.objects.filter(item=product).count() == 1


def test_fx_rate_constraints():
    fx = FxRateFactory()
    assert _refused(lambda: FxRate.objects.filter(pk=fx.pk).update(rate=Decimal("0")))
    assert _refused(lambda: FxRateFactory(date=fx.date))
    assert _refused(lambda: FxRateFactory(currency_id="CNY"))
