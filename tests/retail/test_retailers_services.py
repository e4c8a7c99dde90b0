"""Retailer master data: create, update and status changes are validated and audited."""

import pytest

from erp.errors import ApplicationError
from retail import services
from retail.models import PrepaymentAccount, Retailer
from tests.retail.factories import RetailerFactory

pytestmark = pytest.mark.django_db


def _create(user=None, **kwargs):
    fields = {"code": " r-sh-01 ", "legal_name": "Sunrise Mobile Co., Ltd.", "region": "East", "tier": 1}
    return services.retailer_create(acting_user=user, **{**fields, **kwargs})


def test_create_cleans_records_history_and_opens_a_prepayment_account(sales_user):
    retailer = _create(sales_user, contact_email=" Buyer@Sunrise.CN ", reason="signed 2026-11-20")
    assert retailer.code == "R-SH-01" and retailer.tier == 1 and retailer.status == "active"
    assert retailer.contact_email == "buyer@sunrise.cn"
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert account.balance_cents == 0 and account.held_cents == 0
    record = retailer.history.get()
    assert record.history_user == sales_user and record.history_change_reason == "signed 2026-11-20"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "bad code!"}, "code"),
        ({"code": ""}, "code"),
        ({"tier": 4}, "tier"),
        ({"tier": "x"}, "tier"),
        ({"status": "gone"}, "status"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"legal_name": "  "}, "legal_name"),
        ({"region": ""}, "region"),
        ({"legal_name": "x" * 201}, "legal_name"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(fields, field):
    with pytest.raises(ApplicationError) as error:
        _create(**fields)
    assert field in error.value.field_errors
    assert not Retailer.objects.exists() and not PrepaymentAccount.objects.exists()


def test_create_refuses_a_duplicate_code():
    RetailerFactory(code="R-SH-01")
    with pytest.raises(ApplicationError, match="already exists"):
        _create()
    assert Retailer.objects.count() == 1


def test_update_changes_fields_with_a_reason_and_skips_no_ops(sales_user):
    retailer = _create()
    updated = services.retailer_update(
        acting_user=sales_user, retailer=retailer, tier=2, payment_terms="50% on order", reason="downgraded"
    )
    assert updated.tier == 2 and updated.payment_terms == "50% on order"
    assert updated.history.count() == 2
    latest = updated.history.first()
    assert latest.history_user == sales_user and latest.history_change_reason == "downgraded"
    services.retailer_update(acting_user=sales_user, retailer=updated, tier=2)
    assert updated.history.count() == 2  # nothing changed, nothing recorded


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"code": "R-OTHER"}, "code"), ({"status": "closed"}, "status"), ({"tier": 0}, "tier"), ({"id": 5}, "id")],
)
def test_update_refuses_the_code_the_status_and_bad_values(changes, field):
    retailer = _create()
    with pytest.raises(ApplicationError) as error:
        services.retailer_update(acting_user=None, retailer=retailer, **changes)
    assert field in error.value.field_errors
    retailer.refresh_from_db()
    assert retailer.code == "R-SH-01" and retailer.tier == 1 and retailer.status == "active"


def test_status_change_needs_a_reason_to_hold_or_close_and_is_audited(sales_user):
    retailer = _create()
    with pytest.raises(ApplicationError, match="Say why"):
        services.retailer_set_status(acting_user=sales_user, retailer=retailer, status="on_hold")
    with pytest.raises(ApplicationError, match="already active"):
        services.retailer_set_status(acting_user=sales_user, retailer=retailer, status="active")
    with pytest.raises(ApplicationError):
        services.retailer_set_status(acting_user=sales_user, retailer=retailer, status="nope", reason="x")
    held = services.retailer_set_status(
        acting_user=sales_user, retailer=retailer, status="on_hold", reason="overdue documents"
    )
    assert held.status == "on_hold"
    assert held.history.first().history_change_reason == "status active -> on_hold: overdue documents"
    active = services.retailer_set_status(acting_user=sales_user, retailer=held, status="active")
    assert active.status == "active"


def test_a_closed_retailer_gets_no_new_users():
    retailer = _create()
    services.retailer_set_status(acting_user=None, retailer=retailer, status="closed", reason="contract ended")
    with pytest.raises(ApplicationError, match="closed"):
        services.retailer_user_invite(acting_user=None, retailer=Retailer.objects.get(pk=retailer.pk), email="a@b.cn")
