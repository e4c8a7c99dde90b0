"""Staff store pages: permissions per role, lists with figures and exports, the store page with its count
form, sell-through entry, replenishment with its one-action accept, creating and editing stores."""

import csv
import io
from datetime import timedelta

import pytest

from erp import roles
from erp.weeks import business_date
from logistics.models import Shipment, StockLevel
from retail.models import Store, StoreSellThrough
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import UserFactory
from tests.retail.factories import make_store
from tests.retail.store_world import build_store_world

pytestmark = pytest.mark.django_db

READ_PAGES = ["/retail/stores/", "/retail/stores/ST-W-LOW/", "/retail/sell-through/", "/retail/replenishment/"]


@pytest.fixture
def world():
    return build_store_world()


def _login(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("role", "reads", "acts"),
    [
        (roles.STORE_OPS, True, True),
        (roles.LOGISTICS, True, True),
        (roles.PLANNING, True, False),
        (roles.SALES, True, False),
        (roles.FINANCE, True, False),
        (roles.PROCUREMENT, False, False),
    ],
)
def test_who_may_read_and_act(client, world, role, reads, acts):
    _login(client, role)
    for url in READ_PAGES:
        assert client.get(url).status_code == (200 if reads else 403), url
    assert client.get("/retail/sell-through/new/").status_code == (200 if acts else 403)
    accept = client.post("/retail/replenishment/accept/", {"stores": ["ST-W-LOW"]})
    assert accept.status_code == (302 if acts else 403)
    count = client.post("/retail/stores/ST-W-LOW/count/", {"lines": "TP-W-PHONE 5"})
    assert count.status_code == (302 if acts else 403)
    assert Shipment.objects.exists() == acts
    assert StockLevel.objects.get(location=world.low.location, item=world.phone).on_hand == (5 if acts else 2)


def test_only_logistics_opens_stores(client, world):
    _login(client, roles.STORE_OPS)
    assert client.get("/retail/stores/new/").status_code == 403
    assert client.get("/retail/stores/ST-W-LOW/edit/").status_code == 200  # store ops may change cover days
    _login(client, roles.LOGISTICS)
    assert client.get("/retail/stores/new/").status_code == 200


def test_unknown_codes_are_404(client, world):
    _login(client, roles.LOGISTICS)
    for url in ("/retail/stores/ST-NOPE/", "/retail/stores/ST-NOPE/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/retail/stores/ST-NOPE/count/", {"lines": "TP-W-PHONE 1"}).status_code == 404


def test_the_list_shows_stock_transit_sales_cover_and_suggestions(client, world):
    _login(client, roles.STORE_OPS)
    page = client.get("/retail/stores/")
    rows = {store.location.code: store for store in page.context["object_list"]}
    low, full, a_store = rows["ST-W-LOW"], rows["ST-W-FULL"], rows["ST-W-RA"]
    assert (low.units_on_hand, low.units_in_transit, low.sold_recently, low.suggested) == (2, 0, 28, 20)
    assert low.days_of_cover == pytest.approx(2 / (28 / 28))
    assert (full.units_on_hand, full.sold_recently, full.suggested) == (290, 70, 0)
    assert (a_store.sold_recently, a_store.suggested, a_store.retailer.code) == (9, None, "R-SW-A")
    html = page.content.decode()
    assert "ST-W-LOW" in html and "Own" in html and "R-SW-A" in html
    own = client.get("/retail/stores/?run_by=own&sort=-sold_recently")
    assert [s.location.code for s in own.context["object_list"]] == ["ST-W-FULL", "ST-W-LOW"]
    search = client.get("/retail/stores/?q=low")
    assert [s.location.code for s in search.context["object_list"]] == ["ST-W-LOW"]
    empty = client.get("/retail/stores/?q=nothing-like-it")
    assert "No store matches these filters." in empty.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    _login(client, roles.STORE_OPS)
    client.get("/retail/stores/")
    # session, user, roles, permissions, count, page, the suggestions of the page's own
    # stores (the plan without its store query: 8), the regions of the filter
    with django_assert_num_queries(15):
        few = client.get("/retail/stores/")
    for n in range(6):
        store = make_store(f"ST-W-MORE{n}", warehouse=world.warehouse)
        StockLevel.objects.create(item=world.phone, location=store.location, on_hand=n)
    with django_assert_num_queries(15):
        many = client.get("/retail/stores/")
    assert len(many.context["object_list"]) == len(few.context["object_list"]) + 6


def test_the_list_exports_what_it_shows_as_xlsx_and_csv(client, world):
    _login(client, roles.FINANCE)
    xlsx = client.get("/retail/stores/?run_by=own&format=xlsx")
    assert xlsx.status_code == 200
    values = sheet_values(body_bytes(xlsx))
    assert values[0][:3] == ("store", "name", "run_by")
    assert [row[0] for row in values[1:]] == ["ST-W-FULL", "ST-W-LOW"]
    assert values[2][-1] == 20  # the low store's suggestion
    text = body_bytes(client.get("/retail/stores/?format=csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "suggested" and len(rows) == 5
    assert {row[2] for row in rows[1:]} == {"own", "R-SW-A", "R-SW-B"}


def test_the_store_page(client, world):
    _login(client, roles.PLANNING)
    page = client.get("/retail/stores/ST-W-LOW/")
    [line] = page.context["lines"]
    assert (line.on_hand, line.sold_14, line.sold_28, line.target, line.suggested) == (2, 28, 28, 14, 20)
    assert line.list_price == world.phone.prices.get().list_price
    html = page.content.decode()
    assert "2,999.00" in html and "5,998.00" in html  # list price, and the value of the 2 on hand
    assert len(page.context["sales"]) == 14
    assert not page.context["can_count"]  # planning reads only
    retailer_page = client.get("/retail/stores/ST-W-RA/").content.decode()
    assert "retailer-run store" in retailer_page and "R-SW-A" in retailer_page


def test_the_count_form_posts_a_count_and_refuses_bad_lines(client, world):
    _login(client, roles.STORE_OPS)
    done = client.post("/retail/stores/ST-W-FULL/count/", {"lines": "TP-W-PHONE 55\nTP-W-CHG 0", "note": "weekly"})
    assert done.status_code == 302 and done.url == "/retail/stores/ST-W-FULL/"
    levels = dict(StockLevel.objects.filter(location=world.full.location).values_list("item__sku", "on_hand"))
    assert levels == {"TP-W-PHONE": 55, "TP-W-CHG": 0}
    bad = client.post("/retail/stores/ST-W-FULL/count/", {"lines": "TP-W-PHONE 5\nNOPE 3"})
    assert bad.status_code == 400
    assert "Line 2: unknown product &#x27;NOPE&#x27;." in bad.content.decode()
    negative = client.post("/retail/stores/ST-W-FULL/count/", {"lines": "TP-W-PHONE -5"})
    assert negative.status_code == 400 and "lines" in negative.context["count_form"].errors
    assert StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand == 55


def test_reporting_a_day_of_sell_through(client, world):
    user = _login(client, roles.STORE_OPS)
    day = business_date() - timedelta(days=1)
    form = {"store": "st-w-full", "date": day.isoformat(), "lines": "TP-W-PHONE 3\nTP-W-CHG 0"}
    response = client.post("/retail/sell-through/new/", form)
    assert response.status_code == 302
    assert response.url == f"/retail/sell-through/?store=ST-W-FULL&date_after={day}&date_before={day}"
    row = StoreSellThrough.objects.get(location=world.full.location, item=world.phone)
    assert (row.quantity, row.source, row.reported_by) == (3, "staff", user)
    assert StockLevel.objects.get(location=world.full.location, item=world.phone).on_hand == 57
    listed = client.get(response.url)
    assert {(r.item.sku, r.quantity) for r in listed.context["object_list"]} == {("TP-W-CHG", 0), ("TP-W-PHONE", 3)}
    assert "8,997.00" in listed.content.decode()  # 3 x 2,999.00


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        ("TP-W-PHONE 1\nNOPE 2", "Line 2: unknown product"),
        ("TP-W-PHONE 61", "ST-W-FULL has 60 of TP-W-PHONE available; 61 sold is more than that"),
        ("TP-W-PHONE 1.5", "is not a whole number"),
        ("TP-W-PHONE", "write the SKU and the units"),
    ],
)
def test_sell_through_entry_refusals_write_nothing(client, world, lines, text):
    _login(client, roles.STORE_OPS)
    before = StoreSellThrough.objects.count()
    form = {"store": "ST-W-FULL", "date": (business_date() - timedelta(days=1)).isoformat(), "lines": lines}
    response = client.post("/retail/sell-through/new/", form)
    assert response.status_code == 200
    assert text in response.content.decode().replace("&#x27;", "'")
    assert StoreSellThrough.objects.count() == before
    future = client.post("/retail/sell-through/new/", {**form, "lines": "TP-W-PHONE 1", "date": "2999-01-01"})
    assert "in the future" in future.content.decode()
    other = client.post("/retail/sell-through/new/", {**form, "lines": "TP-W-PHONE 1", "store": "ST-NOPE"})
    assert "unknown store" in other.content.decode()


def test_the_sell_through_list_filters_sorts_and_counts_queries(client, world, django_assert_num_queries):
    _login(client, roles.SALES)
    client.get("/retail/sell-through/")
    with django_assert_num_queries(7):
        page = client.get("/retail/sell-through/?run_by=retailer&sort=-quantity")
    assert [(r.location.code, r.quantity) for r in page.context["object_list"]] == [("ST-W-RA", 9), ("ST-W-RB", 4)]
    assert "/excel/store-sell-through/export/?run_by=retailer" in page.content.decode()
    with django_assert_num_queries(7):
        everything = client.get("/retail/sell-through/?source=staff")
    assert len(everything.context["object_list"]) == 28


def test_replenishment_page_accepts_in_one_action(client, world):
    _login(client, roles.STORE_OPS)
    page = client.get("/retail/replenishment/")
    assert [p.store.location.code for p in page.context["plan"].stores] == ["ST-W-LOW"]  # only what needs stock
    [line] = page.context["lines"]
    assert (line.item.sku, line.target, line.suggested, line.shippable) == ("TP-W-PHONE", 14, 20, 20)
    everything = client.get("/retail/replenishment/?region=&store=")
    assert {p.store.location.code for p in everything.context["plan"].stores} == {"ST-W-LOW", "ST-W-FULL"}
    accepted = client.post("/retail/replenishment/accept/", {"stores": ["ST-W-LOW"], "only_needed": "on"}, follow=True)
    [shipment] = Shipment.objects.all()
    assert (shipment.kind, shipment.to_location.code, shipment.reference[:13]) == (
        "transfer",
        "ST-W-LOW",
        "REPL-ST-W-LOW",
    )
    assert shipment.number in accepted.content.decode()
    assert accepted.redirect_chain[-1][0] == "/retail/replenishment/?only_needed=on"
    again = client.post("/retail/replenishment/accept/", {"stores": ["ST-W-LOW"]}, follow=True)
    assert "Nothing to ship" in again.content.decode() and Shipment.objects.count() == 1
    after = client.get("/retail/replenishment/")
    assert not after.context["plan"].stores
    assert "No own store needs stock" in after.content.decode()


def test_replenishment_refusals_and_export(client, world):
    _login(client, roles.LOGISTICS)
    retailer_run = client.post("/retail/replenishment/accept/", {"stores": ["ST-W-RA"]}, follow=True)
    assert "run by a retailer" in retailer_run.content.decode()
    unknown = client.post("/retail/replenishment/accept/", {"stores": ["ST-NOPE"]}, follow=True)
    assert "do not exist" in unknown.content.decode()
    nothing = client.post("/retail/replenishment/accept/", {}, follow=True)
    assert "Choose at least one store" in nothing.content.decode()
    assert not Shipment.objects.exists()
    xlsx = sheet_values(body_bytes(client.get("/retail/replenishment/?format=xlsx")))
    assert xlsx[0][:3] == ("store", "warehouse", "sku")
    assert xlsx[1][:3] == ("ST-W-LOW", "WH-W1", "TP-W-PHONE") and xlsx[1][10] == 20


def test_creating_and_editing_a_store(client, world):
    user = _login(client, roles.LOGISTICS)
    form = {"code": "st-w-new", "name": "New one", "region": "East", "retailer": "", "cover_days": 10}
    created = client.post("/retail/stores/new/", {**form, "replenished_from": "", "is_active": "on"})
    assert created.status_code == 302 and created.url == "/retail/stores/ST-W-NEW/"
    store = Store.objects.get(location__code="ST-W-NEW")
    assert (store.is_own, store.cover_days, store.replenished_from.code) == (True, 10, "WH-W1")
    bad = client.post("/retail/stores/new/", {**form, "code": "ST-W-BAD", "replenished_from": "ST-W-LOW"})
    assert "No warehouse has the code" in bad.content.decode()
    edited = client.post(
        "/retail/stores/ST-W-NEW/edit/",
        {**form, "code": "ST-W-NEW", "name": "Renamed", "cover_days": 14, "is_active": "on", "reason": "bigger"},
    )
    assert edited.status_code == 302
    store.refresh_from_db()
    assert (store.location.name, store.cover_days) == ("Renamed", 14)
    assert store.history.latest().history_user == user
    too_long = client.post("/retail/stores/ST-W-NEW/edit/", {**form, "cover_days": 91})
    assert "cover_days" in too_long.context["form"].errors


def test_the_replenishment_page_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    _login(client, roles.STORE_OPS)
    client.get("/retail/replenishment/")
    # session, user, roles, permissions, the plan's nine
    with django_assert_num_queries(13):
        few = client.get("/retail/replenishment/?only_needed=on")
    for n in range(4):
        store = make_store(f"ST-W-REP{n}", warehouse=world.warehouse)
        StockLevel.objects.create(item=world.phone, location=store.location, on_hand=n)
    with django_assert_num_queries(13):
        many = client.get("/retail/replenishment/?region=")  # every line, not only those needing stock
    assert len(many.context["lines"]) == len(few.context["lines"]) + 2 + 4
