"""Supplier scorecards (DESIGN.md section 4, "Supplier score") over a rolling window.

- **on-time** = receipts received on or before their line's promised date / all receipts;
- **quality** = accepted quantity / received quantity;
- **price index** = mean, over the supplier's current offers, of its CNY price at the costing lot
  (``DEFAULT_COSTING_LOT``) / the median of all current offers for that component at the same
  quantity (its own offer included, so a sole source counts as 1.0);
- **score** = 0.4 on-time + 0.4 quality + 0.2 min(1, 1 / price index).

The window is the ``window_days`` days ending on ``on``, both ends included. Each receipt row is
one "receipt line". Missing data: a metric with no data is ``None`` and named in ``missing``.
With no receipts in the window there is no on-time or quality rate, and the score is ``None``
(a supplier we have not received from is not scored on delivery). With receipts but no current
offer (or no FX rate to price one), the score is 0.5 on-time + 0.5 quality: the delivery weights
scaled up to 1, with ``missing == ["price_index"]``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from erp.errors import ApplicationError
from erp.selectors import FxTable
from erp.weeks import business_date
from procurement.models import Receipt, Supplier
from procurement.selectors.market import DEFAULT_COSTING_LOT
from procurement.selectors.market_sql import supplier_price_indexes
from procurement.selectors.sourcing import supplier_list

DEFAULT_WINDOW_DAYS = 180
MAX_WINDOW_DAYS = 3660
WEIGHT_ON_TIME = Decimal("0.4")
WEIGHT_QUALITY = Decimal("0.4")
WEIGHT_PRICE = Decimal("0.2")
PLACES = Decimal("0.0001")


@dataclass
class Scorecard:
    supplier: Supplier
    start: date
    end: date
    receipt_count: int = 0
    on_time_count: int = 0
    received_qty: int = 0
    accepted_qty: int = 0
    priced_offers: int = 0
    on_time_rate: Decimal | None = None
    quality_rate: Decimal | None = None
    price_index: Decimal | None = None
    score: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    receipts: list[Receipt] | None = None  # only on a single supplier's card

    @property
    def window_days(self) -> int:
        return (self.end - self.start).days + 1


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _window(on: date | None, window_days: int) -> tuple[date, date]:
    if not isinstance(window_days, int) or isinstance(window_days, bool) or not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ApplicationError(
            f"The window must be 1 to {MAX_WINDOW_DAYS} days, not {window_days}.",
            {"fields": {"window": [f"Use 1 to {MAX_WINDOW_DAYS} days."]}},
        )
    end = on or business_date()
    return end - timedelta(days=window_days - 1), end


def _finish(card: Scorecard, index: tuple[Decimal, int] | None) -> Scorecard:
    if card.receipt_count:
        card.on_time_rate = _round(Decimal(card.on_time_count) / card.receipt_count)
        card.quality_rate = _round(Decimal(card.accepted_qty) / card.received_qty) if card.received_qty else None
    else:
        card.missing += ["on_time", "quality"]
    if index:
        card.price_index, card.priced_offers = _round(index[0]), index[1]
    else:
        card.missing.append("price_index")
    if card.on_time_rate is None or card.quality_rate is None:
        return card
    if card.price_index is None:
        delivery = WEIGHT_ON_TIME + WEIGHT_QUALITY
        card.score = _round((WEIGHT_ON_TIME * card.on_time_rate + WEIGHT_QUALITY * card.quality_rate) / delivery)
    else:
        price_part = min(Decimal(1), Decimal(1) / card.price_index) if card.price_index > 0 else Decimal(1)
        card.score = _round(
            WEIGHT_ON_TIME * card.on_time_rate + WEIGHT_QUALITY * card.quality_rate + WEIGHT_PRICE * price_part
        )
    return card


def _price_indexes(on: date, supplier_ids: set[int] | None = None) -> tuple[dict[int, tuple[Decimal, int]], list[str]]:
    """Each supplier's (mean ratio of its CNY price to the market median, offers priced)."""
    try:
        return supplier_price_indexes(on=on, qty=DEFAULT_COSTING_LOT, fx=FxTable(on), supplier_ids=supplier_ids), []
    except ApplicationError as error:  # an offer in a currency without a rate: no price index for anyone
        return {}, [error.message]


def _receipts_in(start: date, end: date) -> QuerySet[Receipt]:
    return Receipt.objects.filter(received_on__gte=start, received_on__lte=end)


_ON_TIME = Q(received_on__lte=F("line__promised_date"))


def supplier_scorecard(
    *, supplier: Supplier, on: date | None = None, window_days: int = DEFAULT_WINDOW_DAYS
) -> Scorecard:
    """One supplier's card with the receipts it is computed from (newest first)."""
    start, end = _window(on, window_days)
    receipts = list(
        _receipts_in(start, end)
        .filter(line__order__supplier=supplier)
        .select_related("line__order", "line__item", "received_by")
        .order_by("-received_on", "-pk")
    )
    card = Scorecard(supplier=supplier, start=start, end=end, receipts=receipts)
    for receipt in receipts:
        card.receipt_count += 1
        card.on_time_count += receipt.received_on <= receipt.line.promised_date
        card.received_qty += receipt.received_qty
        card.accepted_qty += receipt.accepted_qty
    indexes, card.warnings = _price_indexes(end, {supplier.pk})
    return _finish(card, indexes.get(supplier.pk))


def supplier_ranking(
    *, on: date | None = None, window_days: int = DEFAULT_WINDOW_DAYS, supplier_ids: set[int] | None = None
) -> list[Scorecard]:
    """Every supplier's card (or those of ``supplier_ids``), best score first; unscored ones after by code.

    A fixed number of queries whatever the number of suppliers, receipts and offers.
    """
    start, end = _window(on, window_days)
    receipts = _receipts_in(start, end)
    suppliers = supplier_list().order_by("code")
    if supplier_ids is not None:
        receipts = receipts.filter(line__order__supplier_id__in=supplier_ids)
        suppliers = suppliers.filter(pk__in=supplier_ids)
    totals = {
        row["line__order__supplier"]: row
        for row in receipts.values("line__order__supplier")
        .annotate(
            receipt_count=Count("pk"),
            on_time_count=Count("pk", filter=_ON_TIME),
            received=Sum("received_qty"),
            accepted=Sum("accepted_qty"),
        )
        .order_by()
    }
    indexes, warnings = _price_indexes(end, supplier_ids)
    cards = []
    for supplier in suppliers:
        card = Scorecard(supplier=supplier, start=start, end=end, warnings=list(warnings))
        row = totals.get(supplier.pk)
        if row:
            card.receipt_count, card.on_time_count = row["receipt_count"], row["on_time_count"]
            card.received_qty, card.accepted_qty = row["received"] or 0, row["accepted"] or 0
        cards.append(_finish(card, indexes.get(supplier.pk)))
    return sorted(cards, key=lambda c: (c.score is None, -(c.score or 0), c.supplier.code))
