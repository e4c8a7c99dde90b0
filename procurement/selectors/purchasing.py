"""Reads of purchase orders and receipts, each with the joins its callers need."""

from django.db.models import Prefetch, QuerySet

from erp.errors import ApplicationError
from procurement.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus, Receipt, SupplierUser


def purchase_order_list() -> QuerySet[PurchaseOrder]:
    """Orders with their supplier, creator and lines (with items) loaded: one query plus one for the lines."""
    lines = PurchaseOrderLine.objects.select_related("item").order_by("line_number")
    return PurchaseOrder.objects.select_related("supplier", "created_by").prefetch_related(
        Prefetch("lines", queryset=lines)
    )


def purchase_order_get(*, number: str) -> PurchaseOrder:
    order = purchase_order_list().filter(number=number.strip().upper()).first()
    if order is None:
        raise ApplicationError(
            f"No purchase order with the number '{number}'.",
            {"fields": {"number": [f"Unknown purchase order '{number}'."]}},
        )
    return order


def purchase_order_receipts(*, order: PurchaseOrder) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(line__order=order)
        .select_related("line__item", "received_by")
        .order_by("-received_on", "-pk")
    )


def supplier_of_user(user) -> int | None:
    """The supplier id a supplier integration user acts for; None for everybody else."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tempo_supplier_id"):
        user._tempo_supplier_id = SupplierUser.objects.filter(user=user).values_list("supplier_id", flat=True).first()
    return user._tempo_supplier_id


def purchase_orders_visible_to(user, queryset: QuerySet[PurchaseOrder] | None = None) -> QuerySet[PurchaseOrder]:
    """A supplier user sees its own supplier's orders once sent; staff see every order."""
    queryset = purchase_order_list() if queryset is None else queryset
    supplier_id = supplier_of_user(user)
    if supplier_id is None:
        return queryset
    return queryset.filter(supplier_id=supplier_id).exclude(status=PurchaseOrderStatus.DRAFT)
