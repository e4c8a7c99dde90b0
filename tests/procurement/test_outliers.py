from datetime import date
from decimal import Decimal
from statistics import median

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.models import Currency, FxRate
from erp.selectors import FxTable
from procurement import selectors
from procurement.models import Supplier
from procurement.selectors.market import OfferBook, cheapest, market_median
from procurement.selectors.market_sql import cheapest_quotes, supplier_price_indexes
from procurement.selectors.outliers import _median_without
from tests.erp.factories import FxRateFactory, ItemFactory
from tests.procurement.factories import ComponentProfileFactory, SupplierFactory, SupplierOfferFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)
D = Decimal


def offers(item, *prices, **extra):
    return [SupplierOfferFactory(item=item, breaks=[(1, price)], **extra) for price in prices]


def test_the_five_times_screw_is_found_with_median_and_ratio():
    screw = ComponentProfileFactory(item=ItemFactory(sku="SCREW"), category="screw").item
    dear, *_ = offers(screw, "0.06", "0.012", "0.0115", "0.0125")
    offers(ItemFactory(sku="FAIR"), "1.0", "1.1", "1.9")  # below 2x the others' median
    found = selectors.cost_outliers(on=ON)
    assert [(o.sku, o.quote.offer_id, o.category) for o in found] == [("SCREW", dear.pk, "screw")]
    assert found[0].median_of_others == D("0.012") and found[0].other_offers == 3
    assert found[0].ratio == D("0.06") / D("0.012")
    assert found[0].excess_spend == 0  # nothing planned yet


def test_needs_two_other_offers_and_ignores_blocked_and_expired():
    part = ItemFactory()
    offers(part, "10", "1")
    assert selectors.cost_outliers(on=ON) == []
    blocked = SupplierFactory(status=Supplier.Status.BLOCKED, status_reason="quality")
    offers(part, "1", supplier=blocked)
    assert selectors.cost_outliers(on=ON) == []
    offers(part, "1", valid_to=date(2026, 3, 1))
    assert selectors.cost_outliers(on=ON) == []


def test_prices_are_compared_in_cny_at_the_same_quantity():
    part = ItemFactory()
    usd = Currency.objects.get(code="USD")
    FxRateFactory(currency=usd, date=date(2026, 11, 1), rate=D("7"))
    offers(part, "1.0", "1.0", "7.0")  # 7 CNY: an outlier
    SupplierOfferFactory(item=part, currency=usd, breaks=[(1, "1.0")])  # 7 CNY too
    found = selectors.cost_outliers(on=ON)
    assert {o.quote.currency for o in found} == {"CNY", "USD"}
    # At 10,000 the bulk break of a fourth offer brings its price in line, so it is not flagged.
    other = ItemFactory()
    offers(other, "1.0", "1.0")
    SupplierOfferFactory(item=other, breaks=[(1, "5.0"), (10000, "1.5")])
    assert other.sku not in {o.sku for o in selectors.cost_outliers(on=ON)}
    assert other.sku in {o.sku for o in selectors.cost_outliers(on=ON, qty=100)}


def test_ranked_by_excess_spend_from_planned_quantities():
    small, big = ItemFactory(sku="SMALL"), ItemFactory(sku="BIG")
    offers(small, "100", "10", "10")
    offers(big, "3", "1", "1")
    assert [o.sku for o in selectors.cost_outliers(on=ON)] == ["SMALL", "BIG"]  # ratio 10 before 3
    found = selectors.cost_outliers(on=ON, planned={small.pk: 10, big.pk: 100000})
    assert [(o.sku, o.excess_spend) for o in found] == [("BIG", D(200000)), ("SMALL", D(900))]


def test_query_count_is_fixed(django_assert_num_queries):
    for _ in range(3):
        offers(ItemFactory(), "10", "1", "1")
    # planned quantities (the latest MRP run), FX, currencies in use, priced offers, items of the outliers
    with django_assert_num_queries(5):
        assert len(selectors.cost_outliers(on=ON)) == 3
    for _ in range(10):
        offers(ItemFactory(), "10", "1", "1", "1")
    with django_assert_num_queries(5):
        assert len(selectors.cost_outliers(on=ON)) == 13


@given(st.lists(st.decimals(min_value=1, max_value=1000, places=2), min_size=2, max_size=15), st.data())
def test_median_without_matches_the_statistics_module(prices, data):
    prices = sorted(prices)
    index = data.draw(st.integers(0, len(prices) - 1))
    assert _median_without(prices, index) == median(prices[:index] + prices[index + 1 :])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(  # per part: offers as (price in cents, bulk discount %, in USD)
        st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 60), st.booleans()), min_size=1, max_size=7),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([1, 5000, 20000]),
)
def test_database_pricing_matches_pricing_every_offer_in_python(parts, qty):
    """The SQL path (cheapest offers, outlier candidates) chooses what brute force in Python chooses."""
    usd = Currency.objects.get(code="USD")
    if not FxRate.objects.filter(currency=usd).exists():
        FxRateFactory(currency=usd, date=date(2026, 11, 1), rate=D("7.1"))
    items = []
    for offers_of_part in parts:
        item = ItemFactory()
        items.append(item)
        for cents, discount, in_usd in offers_of_part:
            price = D(cents) / 100
            SupplierOfferFactory(
                item=item,
                currency=usd if in_usd else Currency.objects.get(code="CNY"),
                breaks=[(1, price), (5000, (price * (100 - discount) / 100).quantize(D("0.000001")))],
            )
    book = OfferBook(on=ON, item_ids=[item.pk for item in items])
    need = [(0, item.pk, qty) for item in items]
    fast = cheapest_quotes(on=ON, need=need, fx=FxTable(ON))
    for item in items:
        quotes = book.quotes(item.pk, qty)
        assert cheapest(fast[(0, item.pk)]) == cheapest(quotes)
    expected = set()
    for item in items:
        quotes = book.quotes(item.pk, qty)
        if len(quotes) < 3:
            continue
        for quote in quotes:
            others = market_median(quotes, excluding_supplier=quote.supplier_id)
            if quote.unit_price_cny >= 2 * others:
                expected.add(quote.offer_id)
    found = {o.quote.offer_id for o in selectors.cost_outliers(on=ON, qty=qty) if o.quote.item_id in book.item_ids()}
    assert found == expected


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(1, 5000), min_size=1, max_size=6), min_size=1, max_size=4))
def test_price_indexes_in_the_database_match_python(parts):
    """Mean over a supplier's offers of price / median of the part's offers (its own included)."""
    suppliers = [SupplierFactory() for _ in range(6)]
    items = []
    for prices in parts:
        item = ItemFactory()
        items.append(item)
        for supplier, cents in zip(suppliers, prices, strict=False):
            SupplierOfferFactory(supplier=supplier, item=item, breaks=[(1, D(cents) / 100)])
    book = OfferBook(on=ON, item_ids=[item.pk for item in items])
    ratios: dict[int, list[Decimal]] = {}
    for item in items:
        quotes = book.quotes(item.pk, 10000)
        middle = median([q.unit_price_cny for q in quotes])
        for quote in quotes:
            ratios.setdefault(quote.supplier_id, []).append(quote.unit_price_cny / middle)
    found = supplier_price_indexes(on=ON, qty=10000, fx=FxTable(ON), supplier_ids=[s.pk for s in suppliers])
    assert set(found) == set(ratios)
    for supplier_id, values in ratios.items():
        mean, count = found[supplier_id]
        assert count == len(values)
        assert mean == pytest.approx(sum(values) / len(values), rel=Decimal("1e-9"))
