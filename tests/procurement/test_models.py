import pytest
from django.db import DataError, IntegrityError, transaction

from procurement.models import ComponentProfile, Supplier, SupplierStatusChange
from tests.erp.factories import ItemFactory
from tests.procurement.factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"code": "sup-lower"},
        {"code": ""},
        {"name": ""},
        {"country": "cn"},
        {"country": "CHN"},
        {"payment_terms": "net45"},
        {"status": "gone"},
        {"status": "blocked", "status_reason": ""},
        {"status": "on_hold", "status_reason": ""},
    ],
)
def test_database_refuses_bad_suppliers(fields):
    # PostgreSQL refuses an over-long value before the check constraint (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        SupplierFactory(**fields)


def test_a_blocked_supplier_with_a_reason_is_fine_and_codes_are_unique():
    SupplierFactory(code="SUP-A", status="blocked", status_reason="quality")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(code="SUP-A")


def test_database_refuses_bad_profiles_and_status_changes():
    item = ItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ComponentProfile.objects.create(item=item, category="screw", default_lead_time_days=366)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComponentProfile.objects.create(item=item, category="toy")
    supplier = SupplierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierStatusChange.objects.create(supplier=supplier, from_status="active", to_status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierStatusChange.objects.create(supplier=supplier, from_status="active", to_status="blocked", reason="")


def test_supplier_defaults_and_url():
    supplier = SupplierFactory(code="SUP-URL")
    assert supplier.currency_id == "CNY" and supplier.status == Supplier.Status.ACTIVE
    assert supplier.get_absolute_url() == "/procurement/suppliers/SUP-URL/"
