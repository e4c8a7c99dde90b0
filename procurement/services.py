"""Every write to procurement's records. Keyword-only, atomic, attributed to ``acting_user``."""

from typing import Any

from django.db import transaction

from erp.audit import audited_save
from erp.errors import ApplicationError
from erp.models import Currency, Item
from erp.services import apply_changes
from procurement.models import ComponentProfile, Supplier, SupplierStatus, SupplierStatusChange

SUPPLIER_EDITABLE_FIELDS = {
    "name",
    "country",
    "currency",
    "contact_name",
    "contact_email",
    "contact_phone",
    "payment_terms",
}
BLOCK_PERMISSION = "procurement.block_supplier"


def _clean_code(code: str) -> str:
    code = code.strip()
    if not code.isascii():
        raise ApplicationError(
            f"Supplier code '{code}' has non-ASCII characters.",
            {"fields": {"code": ["Use A-Z, 0-9, '.', '_' or '-'."]}},
        )
    return code.upper()


def _strip(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}


@transaction.atomic
def supplier_create(
    *,
    acting_user: Any,
    code: str,
    name: str,
    country: str,
    currency: Currency | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    payment_terms: str = Supplier.Terms.NET60,
) -> Supplier:
    """A new supplier starts active; put it on hold or block it with ``supplier_set_status``."""
    code = _clean_code(code)
    if Supplier.objects.filter(code=code).exists():
        raise ApplicationError(
            f"Supplier {code} already exists.",
            {"fields": {"code": [f"A supplier with the code {code} already exists."]}},
        )
    supplier = Supplier(
        code=code,
        name=name.strip(),
        country=country.strip().upper(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        payment_terms=payment_terms,
    )
    if currency is not None:
        supplier.currency = currency
    return audited_save(supplier, acting_user=acting_user, reason="created")


@transaction.atomic
def supplier_update(*, acting_user: Any, supplier: Supplier, reason: str = "", **changes: Any) -> Supplier:
    if "code" in changes and str(changes["code"]).strip().upper() != supplier.code:
        raise ApplicationError(
            "The code is the supplier's permanent key and cannot be changed.",
            {"fields": {"code": ["The code cannot be changed."]}},
        )
    changes.pop("code", None)
    if "status" in changes or "status_reason" in changes:
        raise ApplicationError(
            "Change the status with its own action, which records who changed it and why.",
            {"fields": {name: ["Use the status change."] for name in ("status", "status_reason") if name in changes}},
        )
    changes = _strip(changes)
    if isinstance(changes.get("country"), str):
        changes["country"] = changes["country"].upper()
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if not apply_changes(supplier, changes, SUPPLIER_EDITABLE_FIELDS, "Supplier"):
        return supplier  # nothing changed: no write, no history row
    return audited_save(supplier, acting_user=acting_user, reason=reason or "updated")


@transaction.atomic
def supplier_set_status(*, acting_user: Any, supplier: Supplier, status: str, reason: str = "") -> Supplier:
    """Put a supplier on hold, block it or make it active again, recording who did it and why."""
    if status not in SupplierStatus.values:
        raise ApplicationError(
            f"Unknown supplier status '{status}'.",
            {"fields": {"status": [f"Use one of: {', '.join(SupplierStatus.values)}."]}},
        )
    reason = reason.strip()
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.status == status:
        raise ApplicationError(
            f"{supplier.code} is already {supplier.get_status_display().lower()}.",
            {"fields": {"status": ["This is the current status."]}},
        )
    if status != SupplierStatus.ACTIVE and not reason:
        raise ApplicationError(
            "Say why the supplier is put on hold or blocked.",
            {"fields": {"reason": ["A reason is required."]}},
        )
    touches_block = SupplierStatus.BLOCKED in (status, supplier.status)
    if touches_block and not (acting_user is None or acting_user.has_perm(BLOCK_PERMISSION)):
        raise ApplicationError(
            "Blocking a supplier needs the procurement role.",
            {"fields": {"status": ["Only procurement can block or unblock a supplier."]}},
        )
    previous = supplier.status
    supplier.status = status
    supplier.status_reason = "" if status == SupplierStatus.ACTIVE else reason
    audit_reason = f"status {previous} -> {status}" + (f": {reason}" if reason else "")
    supplier = audited_save(supplier, acting_user=acting_user, reason=audit_reason[:100])
    SupplierStatusChange.objects.create(
        supplier=supplier,
        from_status=previous,
        to_status=status,
        reason=reason,
        changed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    return supplier


@transaction.atomic
def component_profile_set(
    *,
    acting_user: Any,
    item: Item,
    category: str,
    customised: bool = False,
    default_lead_time_days: int = 0,
) -> ComponentProfile:
    """Create or update the procurement profile of a component or assembly."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.kind == Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{item.sku} is a product; only components and assemblies have a component profile.",
            {"fields": {"sku": ["Only components and assemblies."]}},
        )
    profile = ComponentProfile.objects.filter(item=item).first()
    if profile is None:
        profile = ComponentProfile(
            item=item, category=category, customised=customised, default_lead_time_days=default_lead_time_days
        )
        return audited_save(profile, acting_user=acting_user, reason="created")
    changes = {"category": category, "customised": customised, "default_lead_time_days": default_lead_time_days}
    if not apply_changes(profile, changes, set(changes), "Component profile"):
        return profile
    return audited_save(profile, acting_user=acting_user, reason="updated")
