import pytest
from django.urls import reverse

from erp import roles
from erp.weeks import IsoWeek
from orders import services
from orders.models import ForecastValue, ForecastVersion
from orders.services import CellInput
from tests.erp.factories import ProductFactory, UserFactory
from tests.orders.factories import DemandSignalFactory, SalesActualFactory, make_consumer_order

pytestmark = pytest.mark.django_db
W0 = IsoWeek.current

PAGES = [
    "forecast-grid",
    "forecast-version-list",
    "forecast-accuracy",
    "demand-signal-list",
    "sales-actual-list",
    "consumer-order-list",
]


@pytest.fixture
def version():
    return services.forecast_version_create(acting_user=None, name="Base")


def test_every_page_opens_for_staff_readers_and_refuses_others(client, version, retailer_user):
    order = make_consumer_order(lines=[(ProductFactory(), 1)])
    for role in (roles.PLANNING, roles.SALES, roles.FINANCE, roles.LOGISTICS):
        client.force_login(UserFactory(roles=[role]))
        for name in PAGES:
            assert client.get(reverse(name)).status_code == 200, (role, name)
        assert client.get(order.get_absolute_url()).status_code == 200
    client.force_login(retailer_user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code in (302, 403)
    client.logout()
    assert client.get(reverse("forecast-grid")).status_code == 302


def test_grid_shows_and_saves_cells(client, planning_user, version):
    product = ProductFactory()
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0(), 10)])
    client.force_login(planning_user)
    response = client.get(reverse("forecast-grid"))
    assert product.sku in response.text and 'value="10"' in response.text and "manual" in response.text
    url = reverse("forecast-grid")
    response = client.post(url, {f"c-{product.pk}-{W0().key}": "12", f"c-{product.pk}-{(W0() + 1).key}": "7"})
    assert response.status_code == 302
    assert dict(ForecastValue.objects.values_list("week", "quantity")) == {W0().monday: 12, (W0() + 1).monday: 7}


def test_grid_refuses_bad_cells_and_writes_nothing(client, planning_user, version):
    product = ProductFactory()
    client.force_login(planning_user)
    response = client.post(
        reverse("forecast-grid"), {f"c-{product.pk}-{W0().key}": "-3", f"c-{product.pk}-{(W0() + 1).key}": "5"}
    )
    assert response.status_code == 400
    assert f"{product.sku} {W0().key}" in response.text and "Nothing was saved" in response.text
    assert not ForecastValue.objects.exists()


def test_readers_cannot_save_the_grid(client, version):
    product = ProductFactory()
    client.force_login(UserFactory(roles=[roles.SALES]))
    response = client.get(reverse("forecast-grid"))
    assert "<input" not in response.text.split("forecast-grid")[-1]
    assert client.post(reverse("forecast-grid"), {f"c-{product.pk}-{W0().key}": "3"}).status_code == 403
    assert client.post(reverse("forecast-version-list"), {"name": "X"}).status_code == 403


def test_grid_compare_and_export(client, planning_user, version):
    product = ProductFactory()
    other = services.forecast_version_create(acting_user=None, name="Other", copy_current=False)
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0(), 10)])
    services.forecast_values_set(acting_user=None, version=other, cells=[CellInput(product, W0(), 4)])
    client.force_login(planning_user)
    response = client.get(reverse("forecast-grid"), {"compare": other.number})
    assert "+6" in response.text
    response = client.get(reverse("forecast-grid"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_versions_create_make_current_and_generate(client, planning_user, version):
    product = ProductFactory()
    SalesActualFactory(item=product, week=(W0() - 1).monday, quantity=40)
    client.force_login(planning_user)
    response = client.post(reverse("forecast-version-list"), {"name": "Next"})
    assert response.status_code == 302
    new = ForecastVersion.objects.get(name="Next")
    response = client.post(reverse("forecast-version-list"), {"make_current": new.number})
    assert response.status_code == 302 and ForecastVersion.objects.get(is_current=True) == new
    url = reverse("forecast-generate", args=[new.number])
    assert client.get(url).status_code == 200
    response = client.post(url, {"method": "naive", "start": W0().key, "weeks": 3})
    assert response.status_code == 302
    assert list(new.values.values_list("quantity", flat=True)) == [40, 40, 40]
    response = client.post(url, {"method": "moving_average", "start": "2026-W60", "weeks": 3})
    assert response.status_code == 200 and "no ISO week 60" in response.text
    response = client.post(url, {"method": "moving_average", "start": W0().key, "weeks": 3})
    assert "Give n from 1 to 52" in response.text


def test_accuracy_page_shows_mape_and_bias(client, planning_user, version):
    product = ProductFactory()
    services.forecast_values_set(acting_user=None, version=version, cells=[CellInput(product, W0() - 1, 110)])
    SalesActualFactory(item=product, week=(W0() - 1).monday, quantity=100)
    client.force_login(planning_user)
    response = client.get(reverse("forecast-accuracy"))
    assert "10.0" in response.text and "MAPE" in response.text
    response = client.get(reverse("forecast-accuracy"), {"start": "2026-W99"})
    assert response.status_code == 200 and "no ISO week 99" in response.text


def test_lists_query_counts(client, planning_user, django_assert_num_queries):
    DemandSignalFactory.create_batch(5)
    SalesActualFactory.create_batch(5)
    products = ProductFactory.create_batch(2)
    for _n in range(5):
        make_consumer_order(lines=[(p, 1) for p in products])
    client.force_login(planning_user)
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("demand-signal-list", "sales-actual-list", "consumer-order-list"):
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(context)
    DemandSignalFactory.create_batch(5)
    SalesActualFactory.create_batch(5)
    for _n in range(5):
        make_consumer_order(lines=[(p, 2) for p in products])
    for name, count in counts.items():
        with django_assert_num_queries(count):
            client.get(reverse(name))


def test_consumer_order_list_filters_export_and_actions(client, sales_user):
    product = ProductFactory()
    order = make_consumer_order(lines=[(product, 2)])
    make_consumer_order(lines=[(product, 1)], status="cancelled")
    client.force_login(sales_user)
    response = client.get(reverse("consumer-order-list"), {"status": "pending"})
    assert order.number in response.text and response.text.count("status-cancelled") == 0
    response = client.get(reverse("consumer-order-list"), {"week": "2026-W61"})
    assert response.status_code == 200
    response = client.get(reverse("consumer-order-list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxml")
    response = client.post(reverse("consumer-order-pay", args=[order.number]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    client.post(reverse("consumer-order-cancel", args=[order.number]))
    order.refresh_from_db()
    assert order.status == "cancelled"
    client.force_login(UserFactory(roles=[roles.PLANNING]))
    assert client.post(reverse("consumer-order-pay", args=[order.number])).status_code == 403


def test_grid_query_count_does_not_grow_with_products(client, planning_user, version, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fill(count):
        products = ProductFactory.create_batch(count)
        services.forecast_values_set(
            acting_user=None, version=version, cells=[CellInput(p, W0() + k, 5) for p in products for k in range(12)]
        )

    fill(2)
    client.force_login(planning_user)
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("forecast-grid"), {"compare": version.number})
    fill(5)
    with django_assert_num_queries(len(context)):
        response = client.get(reverse("forecast-grid"), {"compare": version.number})
    assert response.text.count('name="c-') == 7 * 12


@pytest.mark.parametrize("name", ["forecast-grid", "forecast-accuracy"])
@pytest.mark.parametrize("query", [{"start": "9999-W52"}, {"start": "9999-W51", "weeks": "26"}])
def test_a_window_off_the_calendar_is_a_form_error_not_a_500(client, planning_user, version, name, query):
    client.force_login(planning_user)
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert "outside the calendar" in response.context["window_form"].errors["start"][0]
