from datetime import date
from decimal import Decimal

import pytest

from erp import selectors, services
from erp.errors import ApplicationError
from erp.models import Currency, FxRate, Item, Price
from tests.erp.factories import FxRateFactory, ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_item_create_normalises_and_records_who(procurement_user):
    item = services.item_create(acting_user=procurement_user, sku=" cp-screw-m2 ", name=" M2 screw ", kind="component")
    assert (item.sku, item.name) == ("CP-SCREW-M2", "M2 screw")
    record = item.history.get()
    assert record.history_user == procurement_user
    assert record.history_type == "+"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": "BAD SKU"}, "sku"),
        ({"name": ""}, "name"),
        ({"kind": "service"}, "kind"),
        ({"batch_multiple": 0}, "batch_multiple"),
        ({"case_pack": 0}, "case_pack"),
        ({"unit": "barrel"}, "unit"),
    ],
)
def test_item_create_rejects_bad_fields_by_name(procurement_user, fields, field):
    data = {"sku": "CP-OK", "name": "Fine", "kind": "component", **fields}
    with pytest.raises(ApplicationError) as error:
        services.item_create(acting_user=procurement_user, **data)
    assert field in error.value.field_errors
    assert field in error.value.message
    assert not Item.objects.exists()


def test_item_create_rejects_duplicate_sku(procurement_user):
    ItemFactory(sku="CP-DUP")
    with pytest.raises(ApplicationError) as error:
        services.item_create(acting_user=procurement_user, sku="cp-dup", name="Again", kind="component")
    assert "sku" in error.value.field_errors
    assert Item.objects.count() == 1


def test_item_update_keeps_the_sku_and_audits_the_change(procurement_user):
    item = ItemFactory(sku="CP-A", name="Old")
    services.item_update(acting_user=procurement_user, item=item, name="New", reason="supplier renamed it")
    item.refresh_from_db()
    assert item.name == "New"
    latest = item.history.latest()
    assert latest.history_user == procurement_user
    assert latest.history_change_reason == "supplier renamed it"
    with pytest.raises(ApplicationError, match="SKU"):
        services.item_update(acting_user=procurement_user, item=item, sku="CP-B")
    with pytest.raises(ApplicationError, match="cannot be changed"):
        services.item_update(acting_user=procurement_user, item=item, created_at=None)


def test_a_priced_product_cannot_become_a_component(sales_user):
    price = PriceFactory()
    with pytest.raises(ApplicationError) as error:
        services.item_update(acting_user=sales_user, item=price.item, kind="component")
    assert "kind" in error.value.field_errors
    price.item.refresh_from_db()
    assert price.item.kind == "product"


def _price(user, item, start, end=None, lp="100.00", rp="90.00"):
    return services.price_create(
        acting_user=user,
        item=item,
        list_price=Decimal(lp),
        retailer_price=Decimal(rp),
        valid_from=start,
        valid_to=end,
    )


def test_price_periods_may_touch_but_not_overlap(sales_user):
    product = ProductFactory()
    _price(sales_user, product, date(2026, 1, 1), date(2026, 3, 31))
    _price(sales_user, product, date(2026, 4, 1))  # starts the day after: fine
    assert Price.objects.filter(item=product).count() == 2

    for start, end in [
        (date(2026, 3, 31), date(2026, 3, 31)),  # last day of the first period
        (date(2025, 12, 1), date(2026, 1, 1)),  # ends on its first day
        (date(2027, 1, 1), None),  # inside the open-ended one
        (date(2025, 1, 1), None),  # open-ended, covering everything
    ]:
        with pytest.raises(ApplicationError) as error:
            _price(sales_user, product, start, end)
        assert "overlaps" in error.value.message
        assert "valid_from" in error.value.field_errors
    assert Price.objects.filter(item=product).count() == 2


def test_price_update_checks_overlap_against_the_others_only(sales_user):
    product = ProductFactory()
    first = _price(sales_user, product, date(2026, 1, 1), date(2026, 3, 31))
    _price(sales_user, product, date(2026, 4, 1))
    services.price_update(acting_user=sales_user, price=first, list_price=Decimal("120.00"))
    with pytest.raises(ApplicationError):
        services.price_update(acting_user=sales_user, price=first, valid_to=date(2026, 4, 1))
    first.refresh_from_db()
    assert first.valid_to == date(2026, 3, 31)
    assert first.list_price == Decimal("120.00")


@pytest.mark.parametrize(
    ("lp", "rp", "field"),
    [("-1.00", "1.00", "list_price"), ("100.00", "0", "retailer_price"), ("100.00", "150.00", "retailer_price")],
)
def test_price_amounts_are_checked(sales_user, lp, rp, field):
    with pytest.raises(ApplicationError) as error:
        _price(sales_user, ProductFactory(), date(2026, 1, 1), lp=lp, rp=rp)
    assert field in error.value.field_errors
    assert not Price.objects.exists()


def test_only_products_have_prices(sales_user):
    with pytest.raises(ApplicationError, match="only products"):
        _price(sales_user, ItemFactory(kind="component"), date(2026, 1, 1))


def test_price_in_force(sales_user):
    product = ProductFactory()
    _price(sales_user, product, date(2026, 1, 1), date(2026, 3, 31), lp="200.00", rp="180.00")
    _price(sales_user, product, date(2026, 4, 1), lp="150.00", rp="130.00")
    assert selectors.price_in_force(item=product, on=date(2025, 12, 31)) is None
    assert selectors.price_in_force(item=product, on=date(2026, 3, 31)).list_price == Decimal("200.00")
    assert selectors.price_in_force(item=product, on=date(2030, 1, 1)).list_price == Decimal("150.00")


def test_fx_rate_upsert_replaces_the_days_rate(finance_user):
    usd = Currency.objects.get(code="USD")
    services.fx_rate_upsert(acting_user=finance_user, currency=usd, date=date(2026, 11, 2), rate=Decimal("7.1"))
    services.fx_rate_upsert(acting_user=finance_user, currency=usd, date=date(2026, 11, 2), rate=Decimal("7.2"))
    fx = FxRate.objects.get()
    assert fx.rate == Decimal("7.2")
    assert fx.history.count() == 2
    with pytest.raises(ApplicationError, match="base currency"):
        services.fx_rate_upsert(
            acting_user=finance_user, currency=Currency.objects.get(code="CNY"), date=date(2026, 11, 2), rate=1
        )
    with pytest.raises(ApplicationError) as error:
        services.fx_rate_upsert(acting_user=finance_user, currency=usd, date=date(2026, 11, 3), rate=Decimal("-7"))
    assert "rate" in error.value.field_errors


def test_fx_convert_uses_the_latest_rate_on_or_before_the_date():
    FxRateFactory(date=date(2026, 11, 2), rate=Decimal("7.10"))
    FxRateFactory(date=date(2026, 11, 5), rate=Decimal("7.20"))
    assert selectors.fx_convert(amount=Decimal("10"), currency="USD", on=date(2026, 11, 4)) == Decimal("71.0000000")
    assert selectors.fx_convert(amount=Decimal("10"), currency="USD", on=date(2026, 11, 5)) == Decimal("72.0000000")
    assert selectors.fx_convert(amount=Decimal("10"), currency="CNY", on=date(2000, 1, 1)) == Decimal("10")
    with pytest.raises(ApplicationError, match="No FX rate for USD"):
        selectors.fx_convert(amount=Decimal("10"), currency="USD", on=date(2026, 11, 1))


def test_currency_create_and_update(finance_user):
    services.currency_create(acting_user=finance_user, code="gbp", name="Pound sterling")
    gbp = Currency.objects.get(code="GBP")
    services.currency_update(acting_user=finance_user, currency=gbp, is_active=False)
    gbp.refresh_from_db()
    assert not gbp.is_active
    with pytest.raises(ApplicationError, match="already exists"):
        services.currency_create(acting_user=finance_user, code="GBP", name="Again")
    with pytest.raises(ApplicationError) as error:
        services.currency_create(acting_user=finance_user, code="G1", name="Bad")
    assert "code" in error.value.field_errors


def test_price_period_must_be_ordered(sales_user):
    with pytest.raises(ApplicationError, match="cannot be before"):
        _price(sales_user, ProductFactory(), date(2026, 2, 1), date(2026, 1, 31))
