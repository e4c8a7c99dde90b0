"""Reads of flash sales: the list, one sale, its live counter and its orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from erp import fixed_sql
from erp.recent import Recent
from orders.models import FlashSale, FlashSaleCounter, FlashSaleOrder, FlashSaleOrderStatus

RATE_WINDOW_SECONDS = 10
MAX_ID = 2**63 - 1


def flash_sale_list() -> QuerySet[FlashSale]:
    return FlashSale.objects.select_related("item", "created_by").annotate(
        remaining_units=Sum("counters__remaining"), initial_units=Sum("counters__initial")
    )


def flash_sale_get(key: str | int, *, with_item: bool = True) -> FlashSale | None:
    """A sale by id or by code (natural key); ``with_item=False`` for the intake, which needs no item."""
    text = str(key).strip()
    if not text or len(text) > 32 or not text.isprintable():
        return None
    if not with_item:
        return _sale_alone(text)
    rows = FlashSale.objects.select_related("item")
    if text.isdigit():
        return rows.filter(pk=int(text)).first()
    return rows.filter(code=text.upper()).first()


def flash_sale_get_or_404(key: str | int, *, with_item: bool = True) -> FlashSale:
    sale = flash_sale_get(key, with_item=with_item)
    if sale is None:
        raise Http404(f"No flash sale '{key}'.")
    return sale


_SALE = fixed_sql.Part(FlashSale, "s")


@cache
def _sale_sql(by: str) -> str:
    where = f"s.{fixed_sql.column(FlashSale, by)} = %s"
    return f"SELECT {fixed_sql.columns(_SALE)} FROM {fixed_sql.table(FlashSale)} s WHERE {where}"


def _sale_alone(text: str) -> FlashSale | None:
    # Every intake request reads its sale: fixed SQL, no queryset to compile (erp/fixed_sql.py).
    by = "id" if text.isdigit() else "code"
    if by == "id" and int(text) > MAX_ID:
        return None  # SQLite cannot even bind it; no row has it anyway
    found = fixed_sql.fetch(_sale_sql(by), [int(text) if by == "id" else text.upper()], _SALE)
    return found[0] if found else None


# Running sales the intake read in this process a moment ago, by the text the client sent.
MAX_INTAKE_SALES = 1_000
_intake_sales = Recent("FLASH_SALE_CACHE_SECONDS", MAX_INTAKE_SALES)


def _running(sale: FlashSale, now: datetime) -> bool:
    return sale.starts_at <= now < sale.ends_at


def flash_sale_for_intake(key: str) -> FlashSale | None:
    """The sale an intake request names, read at most once per ``FLASH_SALE_CACHE_SECONDS`` per process
    (off outside production). Only a sale that has started and not ended is kept: from its start its
    code, limit and counter rows cannot change (``flash_sale_change``), and what still may, its end and
    payment window, the take reads live (``tempo_flash_sale_take``; the statements check it too)."""
    now = timezone.now()
    kept = _intake_sales.get(key)
    if kept is not None and _running(kept, now):
        return kept
    sale = flash_sale_get(key, with_item=False)
    if sale is not None and _running(sale, now):
        _intake_sales.put(key, sale)
    return sale


def flash_sale_intake_forget() -> None:
    """Read every sale afresh on the next request (a take found the window closed, or a test)."""
    _intake_sales.forget()


def flash_sale_order_pay_by(order: FlashSaleOrder) -> datetime | None:
    """When an order's payment window closes (None: its sale has no window)."""
    minutes = order.sale.payment_minutes
    return None if minutes is None else order.created_at + timedelta(minutes=minutes)


def flash_sale_phase(sale: FlashSale, *, remaining: int | None, now: datetime | None = None) -> str:
    """scheduled, live, sold_out or ended."""
    now = now or timezone.now()
    if now < sale.starts_at:
        return "scheduled"
    if now >= sale.ends_at:
        return "ended"
    return "sold_out" if remaining == 0 else "live"


@dataclass(frozen=True)
class FlashLive:
    quantity: int
    sold: int
    remaining: int
    accepted: int
    paid: int
    cancelled: int
    orders_per_second: float
    window_seconds: int
    phase: str
    at: datetime


def flash_sale_live(sale: FlashSale, *, now: datetime | None = None) -> FlashLive:
    """The live counter, in two queries: units left on the counter rows, and orders by status with
    those of the last ``RATE_WINDOW_SECONDS`` (orders/s)."""
    now = now or timezone.now()
    units = FlashSaleCounter.objects.filter(sale=sale).aggregate(remaining=Sum("remaining"), initial=Sum("initial"))
    since = now - timedelta(seconds=RATE_WINDOW_SECONDS)
    counts = FlashSaleOrder.objects.filter(sale=sale).aggregate(
        accepted=Count("pk", filter=Q(status=FlashSaleOrderStatus.ACCEPTED)),
        paid=Count("pk", filter=Q(status=FlashSaleOrderStatus.PAID)),
        cancelled=Count("pk", filter=Q(status=FlashSaleOrderStatus.CANCELLED)),
        recent=Count("pk", filter=Q(created_at__gt=since, created_at__lte=now)),
    )
    remaining = units["remaining"] or 0
    initial = units["initial"] or sale.quantity
    return FlashLive(
        quantity=initial,
        sold=initial - remaining,
        remaining=remaining,
        accepted=counts["accepted"],
        paid=counts["paid"],
        cancelled=counts["cancelled"],
        orders_per_second=round(counts["recent"] / RATE_WINDOW_SECONDS, 1),
        window_seconds=RATE_WINDOW_SECONDS,
        phase=flash_sale_phase(sale, remaining=remaining, now=now),
        at=now,
    )


def flash_sale_order_list(sale: FlashSale | None = None) -> QuerySet[FlashSaleOrder]:
    rows = FlashSaleOrder.objects.select_related("sale", "consumer_order")
    return rows.filter(sale=sale) if sale is not None else rows


def flash_sale_order_get(sale: FlashSale, number: str) -> FlashSaleOrder | None:
    return flash_sale_order_list(sale).filter(number=str(number).strip().upper()).first()
