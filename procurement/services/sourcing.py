"""Every write to procurement's records. Keyword-only, atomic, attributed to ``acting_user``."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from erp.audit import audited_save, user_or_none, validate_instance
from erp.errors import ApplicationError
from erp.models import Currency, Item
from erp.services import apply_changes
from procurement.models import (
    MAX_PRICE_BREAKS,
    ComponentProfile,
    PriceBreak,
    Supplier,
    SupplierOffer,
    SupplierStatus,
    SupplierStatusChange,
)

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
        changed_by=user_or_none(acting_user),
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


OFFER_EDITABLE_FIELDS = {"currency", "moq", "order_multiple", "lead_time_days", "valid_from", "valid_to", "note"}


def price_breaks_problems(breaks: list[tuple[int, Decimal]], moq: int | None = None) -> list[str]:
    """What is wrong with a list of (min_qty, unit_price) breaks; empty when they are fine.

    The first break must start at or below the MOQ, so that every orderable quantity has a price.
    """
    if not breaks:
        return ["Give at least one price break."]
    if len(breaks) > MAX_PRICE_BREAKS:
        return [f"At most {MAX_PRICE_BREAKS} price breaks."]
    problems = []
    previous = None
    for min_qty, unit_price in breaks:
        if not isinstance(min_qty, int) or isinstance(min_qty, bool) or min_qty < 1:
            problems.append(f"Minimum quantity {min_qty} must be a whole number of at least 1.")
        elif previous is not None and min_qty <= previous:
            problems.append(f"Minimum quantities must increase: {min_qty} comes after {previous}.")
        try:
            if Decimal(unit_price) <= 0:
                problems.append(f"Unit price {unit_price} must be above zero.")
        except (InvalidOperation, TypeError, ValueError):
            problems.append(f"Unit price {unit_price!r} is not a number.")
        if isinstance(min_qty, int):
            previous = min_qty
    first = breaks[0][0]
    if moq is not None and moq >= 1 and isinstance(first, int) and first > moq:
        problems.append(f"The first break starts at {first}, above the MOQ {moq}; start it at 1 or at most {moq}.")
    return problems


def _check_supplier_can_offer(supplier: Supplier) -> None:
    if supplier.status == SupplierStatus.BLOCKED:
        raise ApplicationError(
            f"{supplier.code} is blocked: {supplier.status_reason}",
            {"fields": {"supplier": [f"{supplier.code} is blocked; it cannot get new offers."]}},
        )


def _check_offer_rules(offer: SupplierOffer, breaks: list[tuple[int, Decimal]] | None) -> None:
    if offer.item.kind == Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{offer.item.sku} is a product; supplier offers are for components and assemblies.",
            {"fields": {"sku": ["Only components and assemblies."]}},
        )
    if offer.moq and offer.order_multiple and offer.moq % offer.order_multiple:
        raise ApplicationError(
            f"The MOQ {offer.moq} is not a multiple of the order multiple {offer.order_multiple}.",
            {"fields": {"moq": [f"Must be a multiple of the order multiple {offer.order_multiple}."]}},
        )
    if breaks is not None:
        problems = price_breaks_problems(breaks, offer.moq)
        if problems:
            raise ApplicationError(
                "The price breaks are not valid: " + " ".join(problems), {"fields": {"breaks": problems}}
            )
    if offer.valid_from is None or (offer.valid_to is not None and offer.valid_to < offer.valid_from):
        validate_instance(offer)  # says what is wrong with the period
    overlapping = SupplierOffer.objects.filter(supplier=offer.supplier, item=offer.item).exclude(pk=offer.pk)
    if offer.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=offer.valid_to)
    clash = overlapping.exclude(valid_to__lt=offer.valid_from).order_by("valid_from").first()
    if clash is not None:
        clash_end = clash.valid_to.isoformat() if clash.valid_to else "open-ended"
        text = (
            f"the {offer.supplier.code} offer of {offer.item.sku} valid {clash.valid_from.isoformat()} to {clash_end}"
        )
        raise ApplicationError(
            f"The period overlaps {text}; end that offer first.",
            {"fields": {"valid_from": [f"Overlaps {text}; end that offer first."]}, "conflicting_offer_id": clash.pk},
        )
    validate_instance(offer)


def _as_decimals(breaks: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]] | None:
    try:
        return [(min_qty, Decimal(unit_price)) for min_qty, unit_price in breaks]
    except (InvalidOperation, TypeError, ValueError):
        return None  # not comparable: the checks will say what is wrong


def _replace_breaks(offer: SupplierOffer, breaks: list[tuple[int, Decimal]]) -> None:
    offer.breaks.all().delete()
    PriceBreak.objects.bulk_create(
        PriceBreak(offer=offer, min_qty=min_qty, unit_price=Decimal(unit_price)) for min_qty, unit_price in breaks
    )


@transaction.atomic
def supplier_offer_create(
    *,
    acting_user: Any,
    supplier: Supplier,
    item: Item,
    currency: Currency,
    valid_from: date,
    breaks: list[tuple[int, Decimal]],
    moq: int = 1,
    order_multiple: int = 1,
    lead_time_days: int = 0,
    valid_to: date | None = None,
    note: str = "",
) -> SupplierOffer:
    # Lock the supplier so two overlapping offers cannot be added side by side.
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    _check_supplier_can_offer(supplier)
    offer = SupplierOffer(
        supplier=supplier,
        item=item,
        currency=currency,
        moq=moq,
        order_multiple=order_multiple,
        lead_time_days=lead_time_days,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
    )
    breaks = list(breaks)
    _check_offer_rules(offer, breaks)
    offer = audited_save(offer, acting_user=acting_user, reason="created")
    _replace_breaks(offer, breaks)
    return offer


@transaction.atomic
def supplier_offer_update(
    *,
    acting_user: Any,
    offer: SupplierOffer,
    breaks: list[tuple[int, Decimal]] | None = None,
    reason: str = "",
    **changes: Any,
) -> SupplierOffer:
    """Change an offer's terms and, when ``breaks`` is given, replace its price breaks."""
    for name in ("supplier", "item", "sku"):
        if name in changes:
            raise ApplicationError(
                "The supplier and item of an offer cannot be changed; end it and make a new offer.",
                {"fields": {name: ["This field cannot be changed."]}},
            )
    supplier = Supplier.objects.select_for_update().get(pk=offer.supplier_id)
    _check_supplier_can_offer(supplier)
    offer = SupplierOffer.objects.select_related("supplier", "item").get(pk=offer.pk)
    if isinstance(changes.get("note"), str):
        changes["note"] = changes["note"].strip()
    changed = apply_changes(offer, changes, OFFER_EDITABLE_FIELDS, "Supplier offer")
    breaks = None if breaks is None else list(breaks)
    stored = [(b.min_qty, b.unit_price) for b in offer.breaks.order_by("min_qty")]
    breaks_changed = breaks is not None and _as_decimals(breaks) != stored
    if not (changed or breaks_changed):
        return offer
    _check_offer_rules(offer, stored if breaks is None else breaks)
    offer = audited_save(
        offer, acting_user=acting_user, reason=reason or ("price breaks" if not changed else "updated")
    )
    if breaks_changed:
        _replace_breaks(offer, breaks)
    return offer
