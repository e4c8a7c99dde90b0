"""Reads of procurement's records, each with the joins its callers need."""

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from erp.errors import ApplicationError
from procurement.models import ComponentProfile, Supplier, SupplierOffer, SupplierStatusChange
from procurement.selectors.market import break_price


def supplier_list() -> QuerySet[Supplier]:
    return Supplier.objects.select_related("currency")


def supplier_get(*, code: str) -> Supplier:
    supplier = supplier_list().filter(code=code.strip().upper()).first()
    if supplier is None:
        raise ApplicationError(
            f"No supplier with the code '{code}'.", {"fields": {"code": [f"Unknown supplier '{code}'."]}}
        )
    return supplier


def supplier_status_history(*, supplier: Supplier) -> QuerySet[SupplierStatusChange]:
    return supplier.status_changes.select_related("changed_by").order_by("-changed_at", "-pk")


def component_profile_list() -> QuerySet[ComponentProfile]:
    return ComponentProfile.objects.select_related("item")


def supplier_offer_list() -> QuerySet[SupplierOffer]:
    return SupplierOffer.objects.select_related("supplier", "item", "currency").prefetch_related("breaks")


def offers_valid_on(on: date) -> QuerySet[SupplierOffer]:
    return supplier_offer_list().filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


def offer_unit_price(offer: SupplierOffer, qty: int) -> Decimal:
    """The unit price at ``qty``: the break with the largest minimum quantity not above it.

    A quantity below the first break is priced at the first break.
    """
    breaks = sorted((b.min_qty, b.unit_price) for b in offer.breaks.all())
    if not breaks:
        raise ApplicationError(f"The offer {offer} has no price breaks.", {"offer_id": offer.pk})
    return break_price(breaks, qty)
