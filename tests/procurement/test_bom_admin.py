from datetime import date
from decimal import Decimal

import pytest

from procurement.models import BomLine, CostRates
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import AssemblyFactory, BomLineFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/procurement/bomline/add/"


def line_data(parent, child, **changes):
    data = {
        "parent": parent.pk,
        "child": child.pk,
        "qty_per": "2",
        "scrap_pct": "1.5",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "note": "",
    }
    return {**data, **changes}


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " | ".join(str(message) for messages in form.errors.values() for message in messages)


def test_add_change_and_delete_go_through_the_services(client, planning_user):
    phone, screw = ProductFactory(sku="TP-P"), ItemFactory(sku="CP-SCREW")
    client.force_login(planning_user)
    response = client.post(ADD, line_data(phone, screw, qty_per="12"))
    assert response.status_code == 302, form_errors(response)
    line = BomLine.objects.get()
    assert (line.qty_per, line.scrap_pct) == (Decimal(12), Decimal("1.5"))
    record = line.history.get()
    assert (record.history_user, record.history_change_reason) == (planning_user, "created")

    change = f"/admin/procurement/bomline/{line.pk}/change/"
    response = client.post(change, {"qty_per": "10", "scrap_pct": "2", "valid_from": "2026-01-01", "note": "fewer"})
    assert response.status_code == 302, form_errors(response)
    line.refresh_from_db()
    assert (line.qty_per, line.note) == (Decimal(10), "fewer")
    assert line.history.first().history_change_reason == "admin"

    listing = client.get("/admin/procurement/bomline/?q=cp-screw")
    assert listing.status_code == 200 and b"TP-P" in listing.content
    assert client.get("/admin/procurement/bomline/?in_force=yes").status_code == 200

    response = client.post(f"/admin/procurement/bomline/{line.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not BomLine.objects.exists()
    assert BomLine.history.filter(id=line.pk, history_type="-").get().history_change_reason == "admin"


def test_a_loop_is_a_form_error_not_a_server_error(client, planning_user):
    a, b, c = AssemblyFactory(sku="AS-A"), AssemblyFactory(sku="AS-B"), AssemblyFactory(sku="AS-C")
    BomLineFactory(parent=a, child=b)
    BomLineFactory(parent=b, child=c)
    client.force_login(planning_user)
    response = client.post(ADD, line_data(c, a))
    assert response.status_code == 200
    assert "Would loop: AS-C -> AS-A -> AS-B -> AS-C." in form_errors(response)
    assert BomLine.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"valid_from": "2026-03-01"}, "Overlaps the line AS-A <- CP-SCREW valid 2026-01-01 to open-ended"),
        ({"valid_from": "2026-03-01", "valid_to": "2026-02-01"}, "'Valid to' cannot be before 'valid from'."),
        ({"qty_per": "0"}, "greater than or equal to 0.0001"),
        ({"scrap_pct": "100"}, "less than or equal to 99.99"),
    ],
)
def test_other_refusals_are_form_errors(client, planning_user, changes, expected):
    assembly, screw = AssemblyFactory(sku="AS-A"), ItemFactory(sku="CP-SCREW")
    BomLineFactory(parent=assembly, child=screw, valid_from=date(2026, 1, 1))
    client.force_login(planning_user)
    response = client.post(ADD, line_data(assembly, screw, **changes))
    assert response.status_code == 200
    assert expected in form_errors(response)
    assert BomLine.objects.count() == 1


def test_kinds_are_form_errors(client, planning_user):
    phone, screw, glue = ProductFactory(sku="TP-P"), ItemFactory(sku="CP-SCREW"), ItemFactory(sku="CP-GLUE")
    client.force_login(planning_user)
    assert "Must be a product or an assembly." in form_errors(client.post(ADD, line_data(screw, glue)))
    assert "Must be a component or an assembly." in form_errors(client.post(ADD, line_data(AssemblyFactory(), phone)))
    assert not BomLine.objects.exists()


def test_permissions(client, procurement_user, finance_user, planning_user):
    line = BomLineFactory(parent=AssemblyFactory(), child=ItemFactory())
    change = f"/admin/procurement/bomline/{line.pk}/change/"
    for reader in (procurement_user, finance_user):
        client.force_login(reader)
        assert client.get("/admin/procurement/bomline/").status_code == 200
        assert client.get(ADD).status_code == 403
        assert client.post(change, {"qty_per": "5", "scrap_pct": "0", "valid_from": "2026-01-01"}).status_code == 403
        assert client.post(f"/admin/procurement/bomline/{line.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get("/admin/procurement/costrates/").status_code == 200
        assert client.get("/admin/procurement/costrates/add/").status_code == 403
    line.refresh_from_db()
    assert line.qty_per == 1
    client.force_login(planning_user)
    assert client.get(ADD).status_code == 200
    # The item pickers search the item admin.
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "procurement", "model_name": "bomline", "field_name": "child", "term": line.child.sku},
    )
    assert found.status_code == 200 and line.child.sku in found.content.decode()


def test_cost_rates_through_the_service(client, planning_user):
    phone, screw = ProductFactory(sku="TP-P"), ItemFactory(sku="CP-SCREW")
    client.force_login(planning_user)
    add = "/admin/procurement/costrates/add/"
    response = client.post(add, {"item": screw.pk, "conversion_cost": "1", "logistics_cost": "0", "note": ""})
    assert response.status_code == 200
    assert "CP-SCREW is a component" in form_errors(response)
    response = client.post(add, {"item": phone.pk, "conversion_cost": "-1", "logistics_cost": "0", "note": ""})
    assert response.status_code == 200 and not CostRates.objects.exists()
    response = client.post(add, {"item": phone.pk, "conversion_cost": "45", "logistics_cost": "12", "note": ""})
    assert response.status_code == 302, form_errors(response)
    rates = CostRates.objects.get()
    assert rates.history.get().history_user == planning_user
    response = client.post(
        f"/admin/procurement/costrates/{phone.pk}/change/",
        {"conversion_cost": "50", "logistics_cost": "12", "note": "new line"},
    )
    assert response.status_code == 302, form_errors(response)
    rates.refresh_from_db()
    assert (rates.conversion_cost, rates.note) == (Decimal(50), "new line")
    assert rates.history.count() == 2
