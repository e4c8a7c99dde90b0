"""Reads of procurement's records, each with the joins its callers need."""

from django.db.models import QuerySet

from erp.errors import ApplicationError
from procurement.models import ComponentProfile, Supplier, SupplierStatusChange


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
