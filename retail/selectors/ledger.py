"""Reads of the prepayment ledger and retailer orders for the staff pages and the API.

Every list here is built so a page or an API response costs a fixed number of queries, whatever
the number of rows: foreign keys are joined, lines and reservations are prefetched.
"""

from __future__ import annotations

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from retail.models import (
    AllocationLine,
    OrderLineReservation,
    PrepaymentAccount,
    PrepaymentEntry,
    Retailer,
    RetailerOrder,
    RetailerOrderLine,
    RetailerUser,
)


def retailer_id_of_user(user) -> int | None:
    """The retailer a portal or integration user acts for; None for staff. Cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tempo_retailer_id"):
        user._tempo_retailer_id = RetailerUser.objects.filter(user=user).values_list("retailer_id", flat=True).first()
    return user._tempo_retailer_id


def retailers_visible_to(user) -> QuerySet[Retailer]:
    retailer_id = retailer_id_of_user(user)
    queryset = Retailer.objects.all()
    return queryset if retailer_id is None else queryset.filter(pk=retailer_id)


def prepayment_account_list() -> QuerySet[PrepaymentAccount]:
    """Accounts with their retailer and ``available_cents``; one query."""
    return PrepaymentAccount.objects.select_related("retailer").annotate(
        available_cents=F("balance_cents") - F("held_cents")
    )


def prepayment_entries_visible_to(user) -> QuerySet[PrepaymentEntry]:
    queryset = PrepaymentEntry.objects.select_related("account__retailer", "order", "created_by")
    retailer_id = retailer_id_of_user(user)
    return queryset if retailer_id is None else queryset.filter(account__retailer_id=retailer_id)


_MONEY = DecimalField(max_digits=16, decimal_places=2)
_AMOUNT = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"), output_field=_MONEY)


def retailer_order_list() -> QuerySet[RetailerOrder]:
    """Orders with their retailer, creator, lines (with items) and ``total_amount``; three queries."""
    lines = RetailerOrderLine.objects.select_related("item").order_by("pk")
    return (
        RetailerOrder.objects.select_related("retailer", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .annotate(total_amount=Coalesce(Sum(_AMOUNT), Value(0), output_field=_MONEY))
    )


def retailer_orders_visible_to(user) -> QuerySet[RetailerOrder]:
    """Staff see every order; a retailer's user only its own company's."""
    queryset = retailer_order_list()
    retailer_id = retailer_id_of_user(user)
    return queryset if retailer_id is None else queryset.filter(retailer_id=retailer_id)


def retailer_order_detail_lines(order: RetailerOrder) -> list[RetailerOrderLine]:
    """The order's lines with items and reservations (with their locations); two queries."""
    reservations = OrderLineReservation.objects.select_related("location").order_by("location__code")
    return list(
        order.lines.select_related("item")
        .prefetch_related(Prefetch("reservations", queryset=reservations))
        .order_by("pk")
    )


def retailer_order_entries(order: RetailerOrder) -> list[PrepaymentEntry]:
    return list(order.prepayment_entries.select_related("created_by").order_by("created_at", "pk"))


def retailer_order_allocation_lines(order: RetailerOrder) -> list[AllocationLine]:
    return list(
        AllocationLine.objects.filter(order_line__order=order)
        .select_related("run__item", "order_line")
        .order_by("run__created_at", "pk")
    )
