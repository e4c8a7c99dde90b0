"""Staff pages of dispatch on arrival: runs, a run, waiting demand, Dispatch now; permissions, queries, exports."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from erp import roles
from orders.models import DispatchRun
from tests.erp.factories import UserFactory
from tests.orders.dispatch_setup import allocated_retailer_order, arrive, network, paid_consumer_order, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return network()


def _rows(response) -> list[list]:
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _scene(net, capture, *, orders: int = 3):
    """``orders`` paid East orders of 2, a receipt of 3 at WH-E1 (so one and a half are served)."""
    made = [paid_consumer_order([(net.product, 2)], region="East", customer=f"c-{n}") for n in range(orders)]
    receipt = arrive(net, net.east, 3, capture=capture)
    return made, DispatchRun.objects.get(trigger_shipment=receipt)


def test_read_roles_see_the_pages_and_only_logistics_dispatches(client, net, django_capture_on_commit_callbacks):
    _orders, run = _scene(net, django_capture_on_commit_callbacks)
    pages = [
        reverse("dispatch-run-list"),
        reverse("dispatch-run-detail", args=[run.pk]),
        reverse("dispatch-waiting"),
    ]
    for role in (roles.LOGISTICS, roles.SALES, roles.PLANNING, roles.STORE_OPS, roles.FINANCE):
        client.force_login(UserFactory(roles=[role]))
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
        can_dispatch = client.get(reverse("dispatch-waiting")).context["can_dispatch"]
        assert can_dispatch == (role == roles.LOGISTICS)
        response = client.post(reverse("dispatch-now", args=[net.east.code]))
        assert response.status_code == (302 if role == roles.LOGISTICS else 403), role
    client.force_login(UserFactory(roles=[roles.PROCUREMENT]))
    for url in pages:
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(pages[0]).status_code == 302  # to the login page


def test_retailers_get_403(client, net, retailer_user):
    client.force_login(retailer_user)
    for url in (reverse("dispatch-run-list"), reverse("dispatch-waiting")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("dispatch-now", args=[net.east.code])).status_code == 403


def test_run_detail_shows_what_was_cross_docked_and_what_still_waits(
    client, logistics_user, net, django_capture_on_commit_callbacks
):
    orders, run = _scene(net, django_capture_on_commit_callbacks)
    client.force_login(logistics_user)
    response = client.get(reverse("dispatch-run-detail", args=[run.pk]))
    dispatched = list(response.context["dispatched"].object_list)
    waiting = list(response.context["waiting"].object_list)
    assert [(line.order_number, line.quantity, line.cross_docked) for line in dispatched] == [
        (orders[0].number, 2, 2),
        (orders[1].number, 1, 1),
    ]
    assert [(line.order_number, line.waiting_after) for line in waiting] == [
        (orders[1].number, 1),
        (orders[2].number, 2),
    ]
    html = response.text
    assert dispatched[0].shipment.number in html and "Still waiting after the run" in html
    rows = _rows(client.get(reverse("dispatch-run-detail", args=[run.pk]), {"format": "xlsx"}))
    assert rows[0][:4] == ["run", "shipment", "order_kind", "order"]
    assert sorted((row[3], row[7], row[10]) for row in rows[1:]) == [
        (orders[0].number, 2, 0),
        (orders[1].number, 1, 1),
        (orders[2].number, 0, 2),
    ]
    assert client.get(reverse("dispatch-run-detail", args=[run.pk + 99])).status_code == 404


def test_run_list_filters_sorting_and_export(client, logistics_user, net, django_capture_on_commit_callbacks):
    _orders, receipt_run = _scene(net, django_capture_on_commit_callbacks)
    stocked(net, net.south, 5)
    paid_consumer_order([(net.product, 1)], region="South")
    client.force_login(logistics_user)
    client.post(reverse("dispatch-now", args=[net.south.code]))
    manual = DispatchRun.objects.get(trigger="manual")
    url = reverse("dispatch-run-list")

    def shown(params):
        return [run.pk for run in client.get(url, params).context["object_list"]]

    assert shown({}) == [manual.pk, receipt_run.pk]
    assert shown({"warehouse": net.east.code}) == [receipt_run.pk]
    assert shown({"trigger": "manual"}) == [manual.pk]
    assert shown({"q": receipt_run.trigger_shipment.number}) == [receipt_run.pk]
    assert shown({"sku": net.product.sku}) == [manual.pk, receipt_run.pk]
    assert shown({"sort": "units_dispatched"}) == [manual.pk, receipt_run.pk]
    assert shown({"started_after": "2999-01-01"}) == []
    response = client.get(url, {"warehouse": "WH-NOPE"})
    assert response.status_code == 200 and response.context["filter"].errors and not response.context["object_list"]
    rows = _rows(client.get(url, {"format": "xlsx", "trigger": "receipt"}))
    assert rows[0][:5] == ["run", "started_at", "warehouse", "region", "trigger"]
    assert [(row[0], row[2], row[5], row[9], row[12]) for row in rows[1:]] == [
        (receipt_run.pk, "WH-E1", receipt_run.trigger_shipment.number, 3, 3)
    ]


def test_empty_states(client, logistics_user, net):
    client.force_login(logistics_user)
    assert "No dispatch runs yet" in client.get(reverse("dispatch-run-list")).text
    assert "Nothing is waiting" in client.get(reverse("dispatch-waiting")).text
    assert "No waiting order line matches" in client.get(reverse("dispatch-waiting"), {"sku": "NOPE"}).text


def test_waiting_page_lists_both_kinds_oldest_first_with_filters(
    client, logistics_user, net, django_capture_on_commit_callbacks
):
    stocked(net, net.south, 4)
    retailer = allocated_retailer_order(net, 4, region="East")  # reserved in the South, waits for the East
    consumer = paid_consumer_order([(net.product, 2)], region="East")
    anywhere = paid_consumer_order([(net.product, 1)], region="")
    south = paid_consumer_order([(net.product, 1)], region="South")
    client.force_login(logistics_user)
    url = reverse("dispatch-waiting")

    def shown(params):
        return [(line.number, line.waiting) for line in client.get(url, params).context["object_list"]]

    assert shown({}) == [(retailer.number, 4), (consumer.number, 2), (anywhere.number, 1), (south.number, 1)]
    assert shown({"warehouse": net.east.code}) == [(retailer.number, 4), (consumer.number, 2), (anywhere.number, 1)]
    assert shown({"warehouse": net.south.code}) == [(anywhere.number, 1), (south.number, 1)]
    assert shown({"kind": "retailer"}) == [(retailer.number, 4)]
    assert shown({"region": "South"}) == [(south.number, 1)]
    assert shown({"q": retailer.retailer.code.lower()}) == [(retailer.number, 4)]
    assert shown({"sort": "-waiting"})[0] == (retailer.number, 4)
    response = client.get(url, {"warehouse": "WH-NOPE"})
    assert response.context["filter"].form.errors and not response.context["object_list"]
    summary = {
        (group.region, group.sku): (group.lines, group.units, group.available)
        for group in client.get(url).context["summary"]
    }
    assert summary == {
        ("East", net.product.sku): (2, 6, 0),
        ("", net.product.sku): (1, 1, 0),
        ("South", net.product.sku): (1, 1, 0),
    }
    rows = _rows(client.get(url, {"format": "xlsx", "kind": "retailer"}))
    assert rows[0] == ["region", "sku", "order_kind", "order", "consignee", "waiting_since", "waiting", "reserved"]
    assert rows[1][2:4] == ["retailer", retailer.number] and rows[1][6:] == [4, "WH-S1: 4"]


def test_dispatch_now_dispatches_and_shows_the_run(client, logistics_user, net):
    stocked(net, net.east, 5)
    order = paid_consumer_order([(net.product, 3)], region="East")
    client.force_login(logistics_user)
    response = client.post(reverse("dispatch-now", args=[net.east.code]), {"skus": net.product.sku.lower()})
    run = DispatchRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert (run.trigger, run.created_by, run.units_dispatched) == ("manual", logistics_user, 3)
    order.refresh_from_db()
    assert order.status == "fulfilled"
    page = client.get(response.url)
    assert "dispatched 3 units on 1 shipments" in page.text
    # Refusals come back as a message, nothing written.
    response = client.post(reverse("dispatch-now", args=[net.east.code]), {"skus": "NOPE-1"}, follow=True)
    assert "No item has the SKU &#x27;NOPE-1&#x27;" in response.text and DispatchRun.objects.count() == 1
    assert client.post(reverse("dispatch-now", args=["WH-NOPE"])).status_code == 404
    assert client.get(reverse("dispatch-now", args=[net.east.code])).status_code == 405


def test_query_counts_do_not_grow_with_rows(client, logistics_user, net, django_assert_num_queries):
    stocked(net, net.south, 10)
    client.force_login(logistics_user)

    def scene(orders: int):
        for n in range(orders):
            paid_consumer_order([(net.product, 2)], region="East", customer=f"q-{n}")
        allocated_retailer_order(net, 2, region="East")
        stocked(net, net.east, orders)
        return client.post(reverse("dispatch-now", args=[net.east.code]))

    scene(2)
    run = DispatchRun.objects.latest("pk")
    pages = {
        reverse("dispatch-run-list"): 7,
        reverse("dispatch-run-detail", args=[run.pk]): 6,
        reverse("dispatch-waiting"): 10,
    }
    for url, count in pages.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    scene(7)
    run = DispatchRun.objects.latest("pk")
    pages = dict(
        zip(
            [*list(pages)[:1], reverse("dispatch-run-detail", args=[run.pk]), *list(pages)[2:]],
            pages.values(),
            strict=True,
        )
    )
    assert run.lines.count() > 7
    for url, count in pages.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_nav_entries_under_logistics(client, logistics_user):
    client.force_login(logistics_user)
    html = client.get(reverse("dashboard")).text
    assert reverse("dispatch-run-list") in html and reverse("dispatch-waiting") in html


def test_consumer_and_retailer_order_pages_show_their_dispatch(
    client, admin_user, net, django_capture_on_commit_callbacks
):
    stocked(net, net.south, 4)
    retailer = allocated_retailer_order(net, 4, region="East")
    consumer = paid_consumer_order([(net.product, 2)], region="East")
    arrive(net, net.east, 6, capture=django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    page = client.get(reverse("consumer-order-detail", args=[consumer.number]))
    (line,) = page.context["dispatches"]
    assert (line.quantity, line.shipment.reference, line.shipment.from_location) == (2, consumer.number, net.east)
    assert "East" in page.text and not page.context["can_cancel"]
    page = client.get(reverse("retailer-order-detail", args=[retailer.number]))
    (link,) = page.context["shipments"]
    assert (link.quantity, link.shipment.from_location) == (4, net.east)
    assert not page.context["can_cancel"] and not page.context["can_ship"]  # shipped: nothing left to ship
