import pytest

from logistics import services
from logistics.models import StockCount, StockLevel, StockMove
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ItemFactory, ProductFactory
from tests.logistics.factories import FactoryStoreFactory, LocationFactory, give_stock

pytestmark = pytest.mark.django_db

PAGES = [
    "/logistics/locations/",
    "/logistics/stock/",
    "/logistics/stock-moves/",
    "/logistics/stock-counts/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_login_and_a_permission(client, url, retailer_user, make_user):
    assert client.get(url).status_code == 302
    client.force_login(make_user("store_ops"))
    assert client.get(url).status_code == 403
    for role in ("logistics", "planning", "procurement", "finance", "sales"):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 200, (role, url)


def test_stock_level_list_filters_sorts_exports_with_constant_queries(client, planning_user, django_assert_num_queries):
    client.force_login(planning_user)
    wh = LocationFactory(code="WH-SZ", region="South")
    store = FactoryStoreFactory(code="FS-X")
    for n in range(3):
        give_stock(ProductFactory(), wh, 10 + n)
    give_stock(ItemFactory(sku="CP-OLED"), store, 300)
    client.get("/logistics/stock/")  # warm the session and the permission cache paths
    with django_assert_num_queries(6):  # session, user, roles, permissions, count, page
        page = client.get("/logistics/stock/?sort=-on_hand")
    assert page.status_code == 200
    assert [lv.on_hand for lv in page.context["object_list"]] == [300, 12, 11, 10]
    for _ in range(5):
        give_stock(ProductFactory(), wh, 1)
    with django_assert_num_queries(6):
        page = client.get("/logistics/stock/?kind=warehouse&region=south")
    assert len(page.context["object_list"]) == 8
    assert b"CP-OLED" not in page.content
    page = client.get("/logistics/stock/?location=FS-X")
    assert [lv.item.sku for lv in page.context["object_list"]] == ["CP-OLED"]
    export = client.get("/logistics/stock/?location=FS-X&export=xlsx")
    rows = sheet_values(body_bytes(export))
    assert rows[0][:4] == ("location", "kind", "region", "sku") and rows[1][0] == "FS-X" and rows[1][5] == 300
    assert client.get("/logistics/stock/?kind=moon").status_code == 200  # an invalid filter shows its error


def test_location_detail_and_item_location_history(client, planning_user):
    client.force_login(planning_user)
    item, wh = give_stock(ItemFactory(sku="CP-A"), LocationFactory(code="WH-A"), 10)
    other = LocationFactory(code="WH-B")
    services.stock_move_post(acting_user=None, item=item, qty=3, from_location=wh, to_location=other, reason="transfer")
    page = client.get("/logistics/locations/WH-A/")
    assert page.status_code == 200 and b"CP-A" in page.content
    page = client.get("/logistics/stock/CP-A/WH-A/")
    assert page.status_code == 200
    assert page.context["level"].on_hand == 7 and len(page.context["moves"]) == 2
    assert [lv.location.code for lv in page.context["elsewhere"]] == ["WH-B"]
    assert client.get("/logistics/stock/CP-NOPE/WH-A/").status_code == 404
    assert client.get("/logistics/locations/NOPE/").status_code == 404
    moves = client.get("/logistics/stock-moves/?location=WH-B")
    assert len(moves.context["object_list"]) == 1
    export = client.get("/logistics/stock-moves/?location=WH-B&export=xlsx")
    assert sheet_values(body_bytes(export))[1][1:5] == ("CP-A", 3, "WH-A", "WH-B")


def test_post_a_move_on_the_page(client, logistics_user, planning_user):
    item, wh = give_stock(ItemFactory(sku="CP-A"), LocationFactory(code="WH-A"), 5)
    client.force_login(planning_user)
    assert client.get("/logistics/stock-moves/new/").status_code == 403
    client.force_login(logistics_user)
    response = client.post(
        "/logistics/stock-moves/new/", {"sku": "CP-A", "qty": 9, "from_location": "WH-A", "reason": "issue"}
    )
    assert response.status_code == 200
    assert "Not enough CP-A at WH-A: 5 available, 9 asked." in response.context["form"].errors["qty"]
    response = client.post(
        "/logistics/stock-moves/new/", {"sku": "CP-A", "qty": 2, "from_location": "WH-A", "reason": "issue"}
    )
    assert response.status_code == 302 and response["Location"] == "/logistics/stock/CP-A/WH-A/"
    assert StockLevel.objects.get(item=item, location=wh).on_hand == 3
    response = client.post(
        "/logistics/stock-moves/new/", {"sku": "CP-ZZ", "qty": 2, "to_location": "WH-A", "reason": "receipt"}
    )
    assert "No item has the SKU 'CP-ZZ'." in response.context["form"].errors["sku"]
    response = client.post(
        "/logistics/stock-moves/new/", {"sku": "CP-A", "qty": 2, "to_location": "WH-Q", "reason": "receipt"}
    )
    assert response.context["form"].errors["to_location"]
    assert StockMove.objects.count() == 2


def test_count_create_and_post_on_the_page(client, logistics_user, planning_user):
    item, wh = give_stock(ItemFactory(sku="CP-A"), LocationFactory(code="WH-A"), 10)
    ItemFactory(sku="CP-B")
    client.force_login(logistics_user)
    bad = client.post("/logistics/stock-counts/new/", {"location": "WH-A", "lines": "CP-A -3"})
    assert "cannot be negative" in str(bad.context["form"].errors["lines"])
    bad = client.post("/logistics/stock-counts/new/", {"location": "WH-A", "lines": "CP-A lots"})
    assert "not a whole number" in str(bad.context["form"].errors["lines"])
    bad = client.post("/logistics/stock-counts/new/", {"location": "WH-A", "lines": "CP-A 1\ncp-a 2"})
    assert "counted twice" in str(bad.context["form"].errors)
    bad = client.post("/logistics/stock-counts/new/", {"location": "WH-A", "lines": "CP-X 1"})
    assert "CP-X" in str(bad.context["form"].errors["lines"])
    assert not StockCount.objects.exists()
    response = client.post("/logistics/stock-counts/new/", {"location": "WH-A", "lines": "CP-A 12\nCP-B, 4"})
    count = StockCount.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/logistics/stock-counts/{count.pk}/"
    page = client.get(response["Location"])
    assert [(ln.item.sku, ln.expected, ln.difference) for ln in page.context["lines"]] == [
        ("CP-A", 10, 2),
        ("CP-B", 0, 4),
    ]
    client.force_login(planning_user)
    assert client.post(f"/logistics/stock-counts/{count.pk}/post/").status_code == 403
    client.force_login(logistics_user)
    assert client.post(f"/logistics/stock-counts/{count.pk}/post/").status_code == 302
    assert StockLevel.objects.get(item=item, location=wh).on_hand == 12
    again = client.post(f"/logistics/stock-counts/{count.pk}/post/")
    assert again.status_code == 400 and b"already posted" in again.content


@pytest.mark.parametrize("url", ["/logistics/locations/", "/logistics/stock-moves/", "/logistics/stock-counts/"])
def test_list_pages_take_the_same_queries_for_any_number_of_rows(
    client, logistics_user, url, django_assert_num_queries
):
    client.force_login(logistics_user)

    def add_rows():
        item, wh = give_stock(qty=5)
        services.stock_count_create(acting_user=logistics_user, location=wh, lines=[(item, 4)])

    add_rows()
    client.get(url)
    with django_assert_num_queries(6):  # session, user, roles, permissions, count, page
        assert client.get(url).status_code == 200
    for _ in range(4):
        add_rows()
    with django_assert_num_queries(6):
        page = client.get(url)
    assert len(page.context["object_list"]) == 5
