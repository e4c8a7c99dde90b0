"""Staff pages of retailer orders: list, detail with actions, and entering an order for a retailer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp import roles
from erp.weeks import IsoWeek
from logistics.services import stock_reserve
from retail import services
from retail.models import (
    OrderLineReservation,
    PrepaymentAccount,
    PrepaymentEntry,
    RetailerOrder,
    RetailerOrderLine,
)
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.erp.factories import ProductFactory, UserFactory
from tests.logistics.factories import give_stock
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for

pytestmark = pytest.mark.django_db


def allocated_order(product, quantity=4, retailer=None):
    """A confirmed order settled in full by hand, the way an applied allocation run leaves it."""
    retailer = retailer or RetailerFactory()
    deposit(retailer, "100000.00")
    _item, warehouse = give_stock(item=product, qty=quantity + 10)
    order = make_order(retailer, [(product, quantity)], confirm=True)
    line = order.lines.get()
    stock_reserve(acting_user=None, item=product, location=warehouse, qty=quantity)
    OrderLineReservation.objects.create(line=line, location=warehouse, quantity=quantity)
    RetailerOrderLine.objects.filter(pk=line.pk).update(allocated_quantity=quantity)
    RetailerOrder.objects.filter(pk=order.pk).update(status="allocated")
    order.refresh_from_db()
    return order


def shipped_order(product):
    return services.retailer_order_ship(acting_user=None, order=allocated_order(product))


@pytest.fixture
def product():
    return priced_product(retailer_price="100.00", item__sku="TP-VIEW-1")


def test_every_page_checks_its_permission(client, product):
    retailer = RetailerFactory()
    order = make_order(retailer, [(product, 1)])
    pages = [
        reverse("retailer-order-list"),
        reverse("retailer-order-detail", args=[order.number]),
    ]
    for role in (roles.SALES, roles.FINANCE, roles.LOGISTICS, roles.PLANNING):
        client.force_login(UserFactory(roles=[role]))
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
        expected = 200 if role == roles.SALES else 403
        assert client.get(reverse("retailer-order-create")).status_code == expected, role
    client.force_login(UserFactory(roles=[roles.STORE_OPS]))
    for url in pages:
        assert client.get(url).status_code == 403
    client.force_login(retailer_user_for(retailer))
    for url in [*pages, reverse("retailer-order-create")]:
        assert client.get(url).status_code == 403
    assert client.post(reverse("retailer-order-confirm", args=[order.number])).status_code == 403
    assert client.get(reverse("retailer-order-detail", args=["RO-2026-999999"])).status_code == 403


def test_list_filters_sorting_export_and_query_counts(client, sales_user, product, django_assert_num_queries):
    retailer = RetailerFactory(code="R-LIST")
    deposit(retailer, "100000.00")
    other_product = priced_product(retailer_price="10.00", item__sku="TP-VIEW-2")
    confirmed = make_order(retailer, [(product, 2), (other_product, 5)], confirm=True)
    draft = make_order(RetailerFactory(), [(other_product, 1)], week=IsoWeek.current() + 3)
    client.force_login(sales_user)
    url = reverse("retailer-order-list")
    response = client.get(url)
    assert confirmed.number in response.text and draft.number in response.text
    assert "250.00" in response.text  # 2 x 100 + 5 x 10
    assert [o.number for o in client.get(url, {"status": "draft"}).context["object_list"]] == [draft.number]
    assert [o.number for o in client.get(url, {"retailer": "r-list"}).context["object_list"]] == [confirmed.number]
    assert [o.number for o in client.get(url, {"sku": "tp-view-1"}).context["object_list"]] == [confirmed.number]
    by_week = client.get(url, {"week": (IsoWeek.current() + 3).key}).context["object_list"]
    assert [o.number for o in by_week] == [draft.number]
    assert client.get(url, {"week": "2026-W99"}).status_code == 200
    assert [o.number for o in client.get(url, {"q": draft.number[-4:]}).context["object_list"]] == [draft.number]
    by_amount = client.get(url, {"sort": "-total_amount"}).context["object_list"]
    assert [o.number for o in by_amount] == [confirmed.number, draft.number]
    assert "No retailer order matches" in client.get(url, {"q": "nothing"}).text
    rows = sheet_values(body_bytes(client.get(url, {"format": "xlsx", "retailer": "R-LIST"})))
    assert rows[0][:6] == ("number", "retailer", "status", "sku", "requested_week", "quantity")
    assert sorted((row[3], row[5], row[7]) for row in rows[1:]) == [("TP-VIEW-1", 2, 200), ("TP-VIEW-2", 5, 50)]
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    detail = reverse("retailer-order-detail", args=[confirmed.number])
    with CaptureQueriesContext(connection) as detail_context:
        client.get(detail)
    for n in range(4):
        make_order(retailer, [(product, n + 1), (other_product, 1)], confirm=True)
    services.retailer_order_cancel(acting_user=sales_user, order=confirmed, reason="x")
    with django_assert_num_queries(len(context)):
        client.get(url)
    with django_assert_num_queries(len(detail_context)):  # more entries and history, the same queries
        client.get(detail)


def test_detail_shows_lines_money_entries_and_history(client, sales_user, product):
    order = allocated_order(product, quantity=3)
    client.force_login(sales_user)
    response = client.get(reverse("retailer-order-detail", args=[order.number]))
    text = response.text
    assert "300.00" in text and "order confirmed" in text
    assert response.context["lines"][0][0].reservations.all()[0].quantity == 3
    assert response.context["can_cancel"] and not response.context["can_ship"]
    assert "History" in text and "created" in text


def test_confirm_cancel_ship_deliver_buttons(client, product):
    retailer = RetailerFactory()
    deposit(retailer, "250.00")
    order = make_order(retailer, [(product, 3)])
    sales = UserFactory(roles=[roles.SALES])
    client.force_login(sales)
    detail = reverse("retailer-order-detail", args=[order.number])
    assert client.get(detail).context["can_confirm"]
    response = client.post(reverse("retailer-order-confirm", args=[order.number]), follow=True)
    assert "50.00 CNY short" in response.text
    order.refresh_from_db()
    assert order.status == "draft"
    deposit(retailer, "50.00")
    client.post(reverse("retailer-order-confirm", args=[order.number]))
    order.refresh_from_db()
    assert order.status == "confirmed" and order.held_cents == 30000
    client.post(reverse("retailer-order-cancel", args=[order.number]), {"reason": "duplicate order"})
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.prepayment_entries.order_by("-pk").first().note == "duplicate order"
    assert PrepaymentAccount.objects.get(retailer=retailer).held_cents == 0
    allocated = allocated_order(product)
    assert client.post(reverse("retailer-order-ship", args=[allocated.number])).status_code == 403
    logistics = UserFactory(roles=[roles.LOGISTICS])
    client.force_login(logistics)
    assert client.get(reverse("retailer-order-detail", args=[allocated.number])).context["can_ship"]
    assert client.post(reverse("retailer-order-cancel", args=[allocated.number])).status_code == 403
    client.post(reverse("retailer-order-ship", args=[allocated.number]))
    allocated.refresh_from_db()
    assert allocated.status == "shipped"
    client.post(reverse("retailer-order-deliver", args=[allocated.number]))
    allocated.refresh_from_db()
    assert allocated.status == "delivered"


def test_cancelling_a_shipped_order_is_refused_and_nothing_changes(client, sales_user, product):
    order = shipped_order(product)
    entries = PrepaymentEntry.objects.count()
    client.force_login(sales_user)
    response = client.post(reverse("retailer-order-cancel", args=[order.number]), follow=True)
    assert "only a draft, confirmed or allocated order can be cancelled" in response.text
    order.refresh_from_db()
    assert order.status == "shipped" and PrepaymentEntry.objects.count() == entries
    assert not response.context["can_cancel"]


def _form(retailer="R-FORM", lines=(), **extra):
    data = {
        "retailer": retailer,
        "reference": "",
        "note": "",
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        **extra,
    }
    for n, (sku, quantity, week) in enumerate(lines):
        data.update({f"lines-{n}-sku": sku, f"lines-{n}-quantity": quantity, f"lines-{n}-requested_week": week})
    return data


def test_sales_enters_an_order_for_a_retailer(client, sales_user, product):
    RetailerFactory(code="R-FORM")
    other = priced_product(retailer_price="10.00", item__sku="TP-VIEW-2")
    client.force_login(sales_user)
    assert client.get(reverse("retailer-order-create")).status_code == 200
    week = (IsoWeek.current() + 2).key
    response = client.post(
        reverse("retailer-order-create"),
        _form("r-form", [("tp-view-1", "3", week), (other.sku, "7", week)], reference="PO-1"),
    )
    order = RetailerOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert (order.status, order.reference, order.created_by) == ("draft", "PO-1", sales_user)
    assert sorted(order.lines.values_list("item__sku", "quantity")) == [("TP-VIEW-1", 3), ("TP-VIEW-2", 7)]


@pytest.mark.parametrize(
    ("retailer", "line", "message"),
    [
        ("R-FORM", ("TP-VIEW-1", "0", None), "quantity must be a whole number from 1"),
        ("R-FORM", ("TP-VIEW-1", "-2", None), "quantity must be a whole number from 1"),
        ("R-FORM", ("TP-VIEW-1", "two", None), "Enter a whole number"),
        ("R-FORM", ("TP-NOPE", "1", None), "No item has the SKU"),
        ("R-FORM", ("TP-OLD", "1", None), "discontinued"),
        ("R-FORM", ("TP-VIEW-1", "1", "2020-W01"), "in the past"),
        ("R-FORM", ("TP-VIEW-1", "1", "next week"), "not an ISO week"),
        ("R-NOPE", ("TP-VIEW-1", "1", None), "No retailer has the code"),
    ],
)
def test_bad_orders_are_refused_on_the_form_and_nothing_written(client, sales_user, product, retailer, line, message):
    RetailerFactory(code="R-FORM")
    priced_product(item__sku="TP-OLD", item__lifecycle_status="obsolete")
    client.force_login(sales_user)
    sku, quantity, week = line
    response = client.post(
        reverse("retailer-order-create"), _form(retailer, [(sku, quantity, week or (IsoWeek.current() + 1).key)])
    )
    assert response.status_code == 400
    assert message in response.text
    assert not RetailerOrder.objects.exists()


def test_an_order_needs_a_line(client, sales_user):
    RetailerFactory(code="R-FORM")
    client.force_login(sales_user)
    response = client.post(reverse("retailer-order-create"), _form("R-FORM", []))
    assert response.status_code == 400 and "at least one line" in response.text
    ProductFactory()
    assert not RetailerOrder.objects.exists()


def test_an_order_has_one_creation_record_with_its_user(sales_user, product):
    retailer = RetailerFactory()
    order = services.retailer_order_create(
        acting_user=sales_user,
        retailer=retailer,
        lines=[services.RetailerOrderLineInput(product, 1, IsoWeek.current() + 1)],
    )
    created = list(order.history.filter(history_type="+").values_list("history_user", "history_change_reason"))
    assert created == [(sales_user.pk, "created")]
