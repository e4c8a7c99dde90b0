from io import StringIO

import pytest
from django.core.management import call_command

from procurement.demo import BLOCKED_REASON
from procurement.models import ComponentProfile, Supplier, SupplierStatusChange

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_seed_demo_adds_suppliers_and_profiles_idempotently(demo):
    output = demo
    assert "also added:" in output
    assert Supplier.objects.count() >= 100
    assert Supplier.objects.filter(code="SUP-SCREW-X").exists()
    assert set(Supplier.objects.values_list("country", flat=True)) == {"CN", "TW", "KR", "JP", "US", "DE"}
    assert not Supplier.objects.filter(country="JP").exclude(currency_id="JPY").exists()
    blocked = Supplier.objects.get(status="blocked")
    assert blocked.status_reason == BLOCKED_REASON
    assert SupplierStatusChange.objects.get().supplier == blocked
    assert ComponentProfile.objects.get(item__sku="CP-OLED-667").default_lead_time_days == 91
    assert ComponentProfile.objects.get(item__sku="CP-SCREW-M14").category == "screw"
    assert ComponentProfile.objects.get(item__sku="AS-MB-X1").customised
    counts = (Supplier.objects.count(), ComponentProfile.objects.count(), SupplierStatusChange.objects.count())

    again = _seed()
    assert "0 users, 0 items, 0 prices, 0 FX rates added" in again and "also added" not in again
    assert (Supplier.objects.count(), ComponentProfile.objects.count(), SupplierStatusChange.objects.count()) == counts
