from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from erp.models import Item
from procurement.models import BomLine, ComponentProfile, CostRates, SupplierOffer
from procurement.selectors import Source, bom_explode, cost_rollup, current_offers, market_median, quotes_by_item

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_demo_boms(demo):
    """The demo's BOMs checked from every side; each check says what failed."""
    assert "BOM lines" in demo
    _check_x1_has_a_deep_bom_and_costs_less_than_its_retailer_price()
    _check_lite_costs_just_above_its_retailer_price_and_is_flagged()
    _check_every_part_is_profiled_and_bought_or_built()
    _check_m14_screw_stays_the_only_cost_outlier()
    _check_seeding_again_adds_nothing()


def _check_x1_has_a_deep_bom_and_costs_less_than_its_retailer_price():
    today = date.today()
    phone = Item.objects.get(sku="TP-X1-128")
    lines = list(bom_explode(item_id=phone.pk, on=today))
    assert len(lines) >= 60
    assert max(line.depth for line in lines) >= 3

    rollup = cost_rollup(item=phone, on=today)
    assert rollup.warnings == []
    assert rollup.retailer_price is not None and rollup.unit_cost < rollup.retailer_price
    assert rollup.unit_cost > rollup.retailer_price * 90 / 100  # a thin margin, as the demo tells it
    assert not rollup.flagged
    by_sku = {line.row.sku: line for line in rollup.lines}
    # The main board core is built, not bought: rolled up from its lines plus its conversion cost.
    core = by_sku["AS-MB-X1-CORE"]
    assert core.source == Source.ROLLUP and core.conversion_cost > 0 and core.children
    assert not SupplierOffer.objects.filter(item__sku="AS-MB-X1-CORE").exists()
    assert by_sku["AS-DISP-X1"].source == Source.OFFER
    assert by_sku["CP-SCREW-M14"].row.qty_per == 12
    assert CostRates.objects.get(item=phone).logistics_cost > 0


def _check_lite_costs_just_above_its_retailer_price_and_is_flagged():
    rollup = cost_rollup(item=Item.objects.get(sku="TP-LITE-64"), on=date.today())
    assert rollup.warnings == []
    assert rollup.retailer_price < rollup.unit_cost < rollup.list_price
    assert rollup.flagged


def _check_every_part_is_profiled_and_bought_or_built():
    today = date.today()
    phones = Item.objects.filter(sku__in=["TP-X1-128", "TP-X1-256", "TP-X1P-512", "TP-LITE-64"])
    parts = {line.row.child_id: line for phone in phones for line in bom_explode(item_id=phone.pk, on=today)}
    offered = set(current_offers(on=today, item_ids=parts).values_list("item_id", flat=True))
    for item_id, line in parts.items():
        assert ComponentProfile.objects.filter(item_id=item_id).exists(), line.row.sku
        assert item_id in offered or line.has_children, f"{line.row.sku} is neither bought nor built"
    leads = dict(
        SupplierOffer.objects.filter(item__sku__in=["CP-LCD-656", "CP-PMIC-X1", "CP-CAM-UW-X1"]).values_list(
            "item__sku", "lead_time_days"
        )
    )
    assert leads["CP-LCD-656"] >= 85 and 55 <= leads["CP-PMIC-X1"] <= 70 and 30 <= leads["CP-CAM-UW-X1"] <= 40


def _check_m14_screw_stays_the_only_cost_outlier():
    # DESIGN section 4: an offer at 2x or more of the median of at least two other suppliers.
    quotes = quotes_by_item(on=date.today())
    outliers = {
        (quote.supplier_code, Item.objects.get(pk=item_id).sku)
        for item_id, item_quotes in quotes.items()
        for quote in item_quotes
        if len(item_quotes) >= 3
        and quote.unit_price_cny >= 2 * market_median(item_quotes, excluding_supplier=quote.supplier_id)
    }
    assert outliers == {("SUP-SCREW-X", "CP-SCREW-M14")}


def _check_seeding_again_adds_nothing():
    counts = [model.objects.count() for model in (Item, BomLine, CostRates, SupplierOffer, ComponentProfile)]
    assert "also added" not in _seed()
    assert [model.objects.count() for model in (Item, BomLine, CostRates, SupplierOffer, ComponentProfile)] == counts
