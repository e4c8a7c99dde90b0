import pytest

from erp.errors import ApplicationError
from erp.models import Currency
from procurement import services
from procurement.models import ComponentProfile, Supplier, SupplierStatusChange
from tests.erp.factories import ItemFactory, ProductFactory
from tests.procurement.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _create(user, **overrides):
    fields = {"code": " sup-new ", "name": "New supplier", "country": "cn"}
    fields.update(overrides)
    return services.supplier_create(acting_user=user, **fields)


def test_create_normalises_and_records_who(procurement_user):
    supplier = _create(procurement_user, currency=Currency.objects.get(code="USD"))
    assert (supplier.code, supplier.country, supplier.currency_id) == ("SUP-NEW", "CN", "USD")
    record = supplier.history.get()
    assert record.history_user == procurement_user and record.history_change_reason == "created"


def test_create_refuses_duplicates_and_bad_fields_naming_them(procurement_user):
    _create(procurement_user)
    with pytest.raises(ApplicationError) as error:
        _create(procurement_user, code="SUP-NEW")
    assert "code" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        _create(procurement_user, code="SUP-2", country="C1", contact_email="not-an-email")
    assert {"country", "contact_email"} <= set(error.value.field_errors)
    with pytest.raises(ApplicationError) as error:
        _create(procurement_user, code="供应商")
    assert "code" in error.value.field_errors


def test_update_changes_fields_refuses_code_and_status_and_skips_no_ops(procurement_user):
    supplier = SupplierFactory(code="SUP-U")
    services.supplier_update(acting_user=procurement_user, supplier=supplier, name="Renamed", reason="typo")
    supplier.refresh_from_db()
    assert supplier.name == "Renamed"
    assert supplier.history.latest().history_change_reason == "typo"
    before = supplier.history.count()
    services.supplier_update(acting_user=procurement_user, supplier=supplier, name="Renamed", code="sup-u")
    assert supplier.history.count() == before
    with pytest.raises(ApplicationError) as error:
        services.supplier_update(acting_user=procurement_user, supplier=supplier, code="SUP-OTHER")
    assert "code" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        services.supplier_update(acting_user=procurement_user, supplier=supplier, status="blocked")
    assert "status" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        services.supplier_update(acting_user=procurement_user, supplier=supplier, created_at=None)
    assert "created_at" in error.value.field_errors


def test_blocking_needs_a_reason_and_records_the_change(procurement_user):
    supplier = SupplierFactory()
    with pytest.raises(ApplicationError) as error:
        services.supplier_set_status(acting_user=procurement_user, supplier=supplier, status="blocked", reason=" ")
    assert "reason" in error.value.field_errors
    services.supplier_set_status(
        acting_user=procurement_user, supplier=supplier, status="blocked", reason="Swollen cells"
    )
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == ("blocked", "Swollen cells")
    change = SupplierStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "active",
        "blocked",
        "Swollen cells",
        procurement_user,
    )
    assert "Swollen cells" in supplier.history.latest().history_change_reason


def test_blocking_needs_the_procurement_role(sales_user, planning_user):
    supplier = SupplierFactory()
    for user in (sales_user, planning_user):
        with pytest.raises(ApplicationError, match="Blocking a supplier needs the procurement role"):
            services.supplier_set_status(acting_user=user, supplier=supplier, status="blocked", reason="x")
    assert not SupplierStatusChange.objects.exists()
    assert Supplier.objects.get().status == "active"


def test_on_hold_then_active_again_and_no_op_refused(procurement_user):
    supplier = SupplierFactory()
    services.supplier_set_status(acting_user=procurement_user, supplier=supplier, status="on_hold", reason="audit")
    with pytest.raises(ApplicationError) as error:
        services.supplier_set_status(acting_user=procurement_user, supplier=supplier, status="on_hold", reason="x")
    assert "status" in error.value.field_errors
    services.supplier_set_status(acting_user=procurement_user, supplier=supplier, status="active")
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == ("active", "")
    assert [c.to_status for c in supplier.status_changes.all()] == ["active", "on_hold"]
    with pytest.raises(ApplicationError):
        services.supplier_set_status(acting_user=procurement_user, supplier=supplier, status="gone")


def test_component_profile_set_creates_updates_and_refuses_products(procurement_user):
    item = ItemFactory(sku="CP-BAT")
    profile = services.component_profile_set(
        acting_user=procurement_user, item=item, category="battery", default_lead_time_days=63
    )
    assert profile.history.count() == 1
    services.component_profile_set(
        acting_user=procurement_user, item=item, category="battery", default_lead_time_days=63
    )
    assert profile.history.count() == 1  # no change, no write
    services.component_profile_set(
        acting_user=procurement_user, item=item, category="battery", customised=True, default_lead_time_days=70
    )
    profile = ComponentProfile.objects.get()
    assert (profile.customised, profile.default_lead_time_days) == (True, 70)
    with pytest.raises(ApplicationError) as error:
        services.component_profile_set(
            acting_user=procurement_user, item=item, category="battery", default_lead_time_days=400
        )
    assert "default_lead_time_days" in error.value.field_errors
    with pytest.raises(ApplicationError, match="only components and assemblies") as error:
        services.component_profile_set(acting_user=procurement_user, item=ProductFactory(), category="other")
    assert "sku" in error.value.field_errors
