import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp import roles
from retail import services
from retail.models import AllocationRun, OrderLineReservation
from tests.api_helpers import assert_error_shape, token_client
from tests.erp.factories import UserFactory
from tests.retail.allocation_setup import launch
from tests.retail.factories import RetailerFactory, deposit, make_order, retailer_user_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/allocations/"


@pytest.fixture
def seller(db):
    return token_client(APIClient(), UserFactory(roles=[roles.SALES]))


@pytest.fixture
def planner(db):
    return token_client(APIClient(), UserFactory(roles=[roles.PLANNING]))


def _body(sku, quantity=50, method="pro_rata", tiers=False, apply=False):
    return {"sku": sku, "quantity": quantity, "method": method, "tiers": tiers, "apply": apply}


def test_preview_then_apply_returns_per_retailer_lines(seller):
    scene = launch()
    response = seller.post(URL, _body(scene.product.sku.lower(), 55), format="json")
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["status"] == "preview" and run["sku"] == scene.product.sku
    assert (run["quantity"], run["requested_total"], run["allocated_total"], run["fill_rate"]) == (
        55,
        100,
        55,
        "0.5500",
    )
    lines = {line["retailer"]: line for line in run["lines"]}
    assert {code: (line["requested"], line["allocated"]) for code, line in lines.items()} == {
        "R-001": (30, 17),
        "R-002": (50, 27),
        "R-003": (20, 11),
    }
    assert lines["R-002"]["weight"] == "50.00" and lines["R-002"]["fill_rate"] == "0.5400"
    assert lines["R-002"]["order"] == scene.orders[1].number
    assert [r["retailer"] for r in run["retailers"]] == ["R-001", "R-002", "R-003"]
    assert not OrderLineReservation.objects.exists()

    applied = seller.post(f"{URL}{run['id']}/apply/")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert OrderLineReservation.objects.count() == 4
    again = assert_error_shape(seller.post(f"{URL}{run['id']}/apply/"), 400)
    assert "already applied" in again["message"]


def test_apply_in_one_call(seller):
    scene = launch()
    response = seller.post(URL, _body(scene.product.sku, 50, "fcfs", True, True), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "applied" and body["applied_by"]
    assert {r["retailer"]: r["allocated"] for r in body["retailers"]} == {"R-001": 30, "R-002": 20, "R-003": 0}
    assert all(line["weight"] == "0.00" for line in body["lines"])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"quantity": 0}, "whole number"),
        ({"quantity": -5}, "whole number"),
        ({"quantity": 71}, "only 70 of"),
        ({"sku": "NOPE-1"}, "NOPE-1"),
        ({"method": "lottery"}, "method"),
        ({"tiers": "maybe"}, "tiers"),
        ({"extra": 1}, "extra"),
        ({"quantity": "ten"}, "quantity"),
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(seller, change, message):
    scene = launch()
    body = {**_body(scene.product.sku), **change}
    error = assert_error_shape(seller.post(URL, body, format="json"), 400)
    assert message in str(error)
    assert not AllocationRun.objects.exists()


def test_no_waiting_orders_and_discontinued_product(seller):
    from erp.models import ItemLifecycle
    from tests.retail.factories import priced_product

    lonely = priced_product()
    from tests.logistics.factories import give_stock

    give_stock(lonely, None, 10)
    assert (
        "No confirmed order"
        in assert_error_shape(seller.post(URL, _body(lonely.sku, 5), format="json"), 400)["message"]
    )
    lonely.lifecycle_status = ItemLifecycle.OBSOLETE
    lonely.save()
    assert "discontinued" in assert_error_shape(seller.post(URL, _body(lonely.sku, 5), format="json"), 400)["message"]


def test_permissions(planner, api_client):
    scene = launch()
    # planning may preview but not apply
    response = planner.post(URL, _body(scene.product.sku), format="json")
    assert response.status_code == 201
    run_id = response.json()["id"]
    assert_error_shape(planner.post(URL, _body(scene.product.sku, apply=True), format="json"), 403)
    assert_error_shape(planner.post(f"{URL}{run_id}/apply/"), 403)
    form_encoded = {**_body(scene.product.sku), "apply": "true"}
    assert_error_shape(planner.post(URL, form_encoded), 403)  # not only JSON booleans
    finance = token_client(APIClient(), UserFactory(roles=[roles.FINANCE]))
    assert finance.get(URL).status_code == 200 and finance.get(f"{URL}{run_id}/").status_code == 200
    assert_error_shape(finance.post(URL, _body(scene.product.sku), format="json"), 403)
    procurement = token_client(APIClient(), UserFactory(roles=[roles.PROCUREMENT]))
    assert_error_shape(procurement.get(URL), 403)
    assert api_client.get(URL).status_code in (401, 403)
    assert AllocationRun.objects.get().status == "preview"


def test_a_retailer_sees_only_applied_runs_with_its_own_lines(seller):
    scene = launch()
    a, _b, c = scene.retailers
    preview_only = services.allocation_run_preview(
        acting_user=None, item=scene.product, quantity=10, method="fcfs", use_tiers=False
    )
    applied = services.allocation_run_execute(
        acting_user=None, item=scene.product, quantity=60, method="pro_rata", use_tiers=False, apply=True
    )
    # a run of another product in which only retailer c has a line
    other = launch_other(c)
    client_a = token_client(APIClient(), retailer_user_for(a))
    listing = client_a.get(URL)
    assert listing.status_code == 200
    results = listing.json()["results"]
    assert [run["id"] for run in results] == [applied.pk]
    assert set(results[0]) == {"id", "sku", "product", "method", "tiers", "status", "applied_at", "lines"}
    assert [line["retailer"] for line in results[0]["lines"]] == [a.code]
    assert results[0]["lines"][0]["allocated"] == 18
    assert client_a.get(f"{URL}{applied.pk}/").json()["lines"][0]["retailer"] == a.code
    for hidden in (preview_only.pk, other.pk, 999_999, "abc"):
        assert_error_shape(client_a.get(f"{URL}{hidden}/"), 404)
    assert_error_shape(client_a.post(URL, _body(scene.product.sku), format="json"), 403)
    assert_error_shape(client_a.post(f"{URL}{preview_only.pk}/apply/"), 403)
    preview_only.refresh_from_db()
    assert preview_only.status == "preview"
    client_c = token_client(APIClient(), retailer_user_for(c))
    assert sorted(run["id"] for run in client_c.get(URL).json()["results"]) == sorted([applied.pk, other.pk])


def launch_other(retailer):
    from tests.logistics.factories import LocationFactory, give_stock
    from tests.retail.factories import priced_product

    product = priced_product(retailer_price="10.00")
    give_stock(product, LocationFactory(code="WH-Z"), 5)
    deposit(retailer, 1000)
    make_order(retailer, [(product, 8)], confirm=True)
    return services.allocation_run_execute(
        acting_user=None, item=product, quantity=5, method="fcfs", use_tiers=False, apply=True
    )


def test_query_counts_are_constant(seller, django_assert_num_queries):
    scene = launch()
    run = services.allocation_run_preview(
        acting_user=None, item=scene.product, quantity=10, method="pro_rata", use_tiers=False
    )
    retailer_client = token_client(APIClient(), retailer_user_for(scene.retailers[0]))
    services.allocation_run_apply(acting_user=None, run=run)
    urls = [(seller, URL), (seller, f"{URL}{run.pk}/"), (retailer_client, URL)]
    counts = []
    for client, url in urls:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context))
    for n in range(6):
        retailer = RetailerFactory(code=f"R-Q{n}")
        deposit(retailer, 10_000)
        make_order(retailer, [(scene.product, 2)], confirm=True)
    bigger = services.allocation_run_execute(
        acting_user=None, item=scene.product, quantity=5, method="fcfs", use_tiers=False, apply=True
    )
    urls[1] = (seller, f"{URL}{bigger.pk}/")
    for (client, url), count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
