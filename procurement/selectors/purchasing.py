"""Reads of purchase orders and receipts, each with the joins its callers need."""

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import F, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

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


def open_purchase_quantities(*, item_ids: Iterable[int], until: date) -> dict[tuple[int, date], int]:
    """(item id, due date) -> pieces still to come on sent, confirmed or partly received orders.

    Due is the supplier's promised date, else the requested date; only lines due by ``until``.
    """
    open_qty = F("quantity") - F("received_qty")
    due = Coalesce("promised_date", "requested_date")
    rows = (
        PurchaseOrderLine.objects.filter(
            item_id__in_ids=list(item_ids),
            order__status__in=OPEN_FOR_RECEIPT,
        )
        .annotate(due=due, open=open_qty)
        .filter(open__gt=0, due__lte=until)
        .values_list("item_id", "due")
        .annotate(total=Sum(open_qty))
        .order_by()
    )
    return {(item_id, day): total for item_id, day, total in rows}


# Still expected from the supplier: sent (not yet confirmed) counts too, it is on order.
OPEN_FOR_RECEIPT = [
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.CONFIRMED,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
]

# supplier id -> [{"sku", "week", "quantity"}]; planning registers itself here (it sits above procurement)
RequirementSource = Callable[[int], list[dict]]
_requirement_sources: list[RequirementSource] = []


def requirement_source_register(source: RequirementSource) -> None:
    if source not in _requirement_sources:
        _requirement_sources.append(source)


def supplier_requirements(*, supplier_id: int) -> list[dict]:
    """What planning expects to buy from the supplier, by part and ISO week; empty until planning runs."""
    return [row for source in _requirement_sources for row in source(supplier_id)]
