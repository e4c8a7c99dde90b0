import pytest

from erp.navigation import nav_for_user
from orders import services
from tests.erp.factories import ProductFactory
from tests.orders.factories import DemandSignalFactory, SalesActualFactory, make_consumer_order

pytestmark = pytest.mark.django_db


def test_planning_records_are_read_only_in_the_admin(admin_client):
    version = services.forecast_version_create(acting_user=None, name="V")
    order = make_consumer_order(lines=[(ProductFactory(), 1)])
    DemandSignalFactory()
    SalesActualFactory()
    for model in ("forecastversion", "forecastvalue", "demandsignal", "salesactual", "consumerorder"):
        assert admin_client.get(f"/admin/orders/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/orders/{model}/add/").status_code == 403, model
    assert admin_client.get(f"/admin/orders/consumerorder/{order.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/orders/forecastversion/{version.pk}/history/").status_code == 200
    response = admin_client.post(f"/admin/orders/consumerorder/{order.pk}/change/", {"status": "paid"})
    assert response.status_code == 403


def test_navigation_entries(planning_user, sales_user):
    def links(user, area):
        return {str(link.label) for entry in nav_for_user(user) if entry.area.key == area for link in entry.links}

    assert {"Forecast", "Forecast versions", "Forecast vs actual", "Demand signals"} <= links(planning_user, "planning")
    assert "Consumer orders" in links(sales_user, "sales")
