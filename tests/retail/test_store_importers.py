"""Excel datasets of stores: ``stores``, ``store-sell-through`` and ``store-stock-counts``."""

from datetime import timedelta

import pytest

from erp import roles
from erp.weeks import business_date
from logistics.models import StockCount, StockLevel, StockMove
from retail.models import Store, StoreSellThrough
from tests.api_helpers import token_client
from tests.erp.excel_helpers import body_bytes, import_messages, import_rows, sheet_values
from tests.erp.factories import UserFactory
from tests.retail.store_world import build_store_world

pytestmark = pytest.mark.django_db

SALES = ["store", "sku", "date", "units_sold"]
COUNTS = ["store", "sku", "counted"]


@pytest.fixture
def world():
    return build_store_world()


def test_stores_import_creates_updates_and_refuses(tmp_path, world, logistics_user):
    header = ["code", "name", "region", "retailer", "cover_days", "replenished_from"]
    rows = [
        header,
        ["st-x-own", "X own", "East", None, 9, None],
        ["ST-X-RUN", "X run", "North", "R-SW-A", None, "WH-W1"],
        ["ST-W-LOW", "Low store renamed", "East", None, 10, "WH-W1"],
    ]
    dry = import_rows(tmp_path, "stores", rows, logistics_user, dry_run=True)
    assert dry.ok and (dry.created, dry.updated) == (2, 1), import_messages(dry)
    assert not Store.objects.filter(location__code="ST-X-OWN").exists()
    outcome = import_rows(tmp_path, "stores", rows, logistics_user)
    assert outcome.ok, import_messages(outcome)
    own = Store.objects.get(location__code="ST-X-OWN")
    assert (own.is_own, own.cover_days, own.replenished_from.code) == (True, 9, "WH-W1")
    assert Store.objects.get(location__code="ST-X-RUN").retailer.code == "R-SW-A"
    low = Store.objects.get(location__code="ST-W-LOW")
    assert (low.location.name, low.cover_days) == ("Low store renamed", 10)
    assert low.history.latest().history_change_reason == "excel import: stores"
    assert import_rows(tmp_path, "stores", rows, logistics_user).unchanged == 3
    bad = import_rows(
        tmp_path,
        "stores",
        [
            header,
            ["ST-W-LOW", "Low", "East", "R-SW-A", 7, None],
            ["ST-X-2", "Two", "East", "R-NOPE", 7, None],
            ["ST-X-3", "Three", "East", None, 91, None],
            ["ST-X-4", "Four", "East", None, 7, "ST-W-FULL"],
            ["bad code", "Five", "East", None, 7, None],
        ],
        logistics_user,
    )
    assert import_messages(bad) == [
        "row 2, column `retailer`: who runs a store never changes; open a new store instead",
        "row 3, column `retailer`: no retailer has the code 'R-NOPE'",
        "row 4, column `cover_days`: 91 is above the maximum of 90",
        "row 5, column `replenished_from`: no warehouse has the code 'ST-W-FULL'",
        "row 6, column `code`: 'BAD CODE' is not valid: upper-case letters, digits, '.', '_' or '-'",
    ]
    assert Store.objects.count() == 6


def test_stores_export_imports_back_unchanged(tmp_path, world, logistics_user, client):
    client.force_login(logistics_user)
    response = client.get("/excel/stores/export/?run_by=own&format=xlsx")
    values = sheet_values(body_bytes(response))
    assert values[0] == ("code", "name", "region", "retailer", "cover_days", "replenished_from")
    assert [row[0] for row in values[1:]] == ["ST-W-FULL", "ST-W-LOW"]
    outcome = import_rows(tmp_path, "stores", values, logistics_user)
    assert outcome.ok and outcome.unchanged == 2, import_messages(outcome)


def test_sell_through_import_uses_the_portal_checks_and_the_one_service(tmp_path, world):
    user = UserFactory(roles=[roles.STORE_OPS])
    day = business_date() - timedelta(days=1)
    rows = [
        SALES,
        ["ST-W-FULL", "TP-W-PHONE", day, 4],
        ["ST-W-LOW", "TP-W-PHONE", day, 2],  # as reported already: unchanged
        ["ST-W-RA", "TP-W-PHONE", day, 10],  # a retailer-run store: recorded only
    ]
    dry = import_rows(tmp_path, "store-sell-through", rows, user, dry_run=True)
    assert dry.ok and (dry.created, dry.updated, dry.unchanged) == (1, 1, 1), import_messages(dry)
    assert StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand == 60
    outcome = import_rows(tmp_path, "store-sell-through", rows, user)
    assert outcome.ok, import_messages(outcome)
    assert StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand == 56
    full = StoreSellThrough.objects.get(location=world.full.location, item=world.phone)
    assert (full.quantity, full.source, full.reported_by) == (4, "staff", user)
    assert StoreSellThrough.objects.get(location=world.a_store.location, date=day).quantity == 10
    assert StockMove.objects.filter(reason="issue", from_location=world.full.location, item=world.phone).count() == 1


def test_sell_through_import_reports_every_bad_cell_and_the_ledgers_refusal(tmp_path, world):
    user = UserFactory(roles=[roles.STORE_OPS])
    day = business_date() - timedelta(days=1)
    bad = import_rows(
        tmp_path,
        "store-sell-through",
        [
            SALES,
            ["ST-NOPE", "TP-W-PHONE", day, 1],
            ["ST-W-FULL", "NOPE", day, 1],
            ["ST-W-FULL", "TP-W-PHONE", business_date() + timedelta(days=1), 1],
            ["ST-W-FULL", "TP-W-PHONE", day, -1],
            ["ST-W-FULL", "TP-W-PHONE", day, 1.5],
        ],
        user,
    )
    assert import_messages(bad) == [
        "row 2, column `store`: unknown store 'ST-NOPE'; use the code of a store you report for",
        "row 3, column `sku`: unknown product 'NOPE'",
        f"row 4, column `date`: {business_date() + timedelta(days=1)} is in the future; report days that have passed",
        "row 5, column `units_sold`: -1 is below the minimum of 0",
        "row 6, column `units_sold`: '1.5' is not a whole number",
    ]
    short = import_rows(
        tmp_path,
        "store-sell-through",
        [
            SALES,
            ["ST-W-FULL", "TP-W-CHG", day, 3],
            ["ST-W-FULL", "TP-W-PHONE", business_date() - timedelta(days=3), 61],
        ],
        user,
        dry_run=True,
    )
    assert import_messages(short) == [
        "row 3, column `units_sold`: ST-W-FULL has 60 of TP-W-PHONE available; 61 sold is more than that "
        "(count the store if its stock is wrong)."
    ]
    assert StoreSellThrough.objects.count() == 30


def test_store_counts_import_posts_one_count_per_store(tmp_path, world):
    user = UserFactory(roles=[roles.STORE_OPS])
    rows = [COUNTS, ["ST-W-FULL", "TP-W-PHONE", 50], ["ST-W-LOW", "TP-W-PHONE", 7], ["ST-W-FULL", "TP-W-CHG", 299]]
    dry = import_rows(tmp_path, "store-stock-counts", rows, user, dry_run=True)
    assert dry.ok and dry.created == 3 and not StockCount.objects.exists()
    outcome = import_rows(tmp_path, "store-stock-counts", rows, user)
    assert outcome.ok, import_messages(outcome)
    assert sorted(StockCount.objects.values_list("location__code", flat=True)) == ["ST-W-FULL", "ST-W-LOW"]
    assert StockLevel.objects.get(location=world.low.location, item=world.phone).on_hand == 7
    assert StockLevel.objects.get(location=world.full.location, item=world.charger).on_hand == 299
    bad = import_rows(
        tmp_path, "store-stock-counts", [COUNTS, ["ST-W-FULL", "TP-W-PHONE", 5], ["ST-W-FULL", "tp-w-phone", 6]], user
    )
    assert import_messages(bad) == ["row 3, column `store`: repeats the key ST-W-FULL / TP-W-PHONE of row 2"]


def test_role_by_dataset(api_client, world):
    expected = {
        roles.STORE_OPS: (
            ["store-sell-through", "store-stock-counts"],
            {"stores", "store-sell-through", "store-stock-counts"},
        ),
        roles.LOGISTICS: (
            ["store-sell-through", "store-stock-counts", "stores"],
            {"stores", "store-sell-through", "store-stock-counts"},
        ),
        roles.PLANNING: ([], {"stores", "store-sell-through", "store-stock-counts"}),
        roles.PROCUREMENT: ([], set()),
    }
    for role, (importable, visible) in expected.items():
        body = token_client(api_client, UserFactory(roles=[role])).get("/api/v1/excel/").json()
        ours = [row for row in body if row["name"] in {"stores", "store-sell-through", "store-stock-counts"}]
        assert {row["name"] for row in ours} == visible, role
        assert sorted(row["name"] for row in ours if row["can_import"]) == sorted(importable), role
