"""What the market charges: current offers priced in CNY at a chosen quantity, read in bulk.

``OfferBook`` reads offers and their price breaks once (three queries: offers, breaks, FX rates)
as plain rows, not model instances, and prices them at any quantity in Python: the plain
statement of how an offer is priced, which the property tests hold the SQL path (``market_sql``)
to. Costing, the outlier report and the scorecard go through ``market_sql``, which lets the
database choose. The quote, the choice rule and the median live here for all of them.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median

from django.db.models import Q, QuerySet

from erp.selectors import FxTable
from procurement.models import PriceBreak, SupplierOffer, SupplierStatus

DEFAULT_COSTING_LOT = 10_000


@dataclass(frozen=True, slots=True)
class Quote:
    """One current offer priced at one quantity."""

    offer_id: int
    item_id: int
    supplier_id: int
    supplier_code: str
    currency: str
    lead_time_days: int
    moq: int
    order_multiple: int
    valid_from: date
    qty: int
    unit_price: Decimal  # in the offer's currency
    unit_price_cny: Decimal


def current_offers(*, on: date, item_ids: Iterable[int] | None = None) -> QuerySet[SupplierOffer]:
    """Offers in force on ``on`` from suppliers that are not blocked."""
    offers = SupplierOffer.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on).exclude(
        supplier__status=SupplierStatus.BLOCKED
    )
    if item_ids is not None:
        offers = offers.filter(item_id__in_ids=list(item_ids))
    return offers


def break_price(breaks: list[tuple[int, Decimal]], qty: int) -> Decimal:
    """The price of the break with the largest minimum quantity not above ``qty``; below the first, the first."""
    index = bisect_right(breaks, qty, key=lambda b: b[0])
    return breaks[max(index - 1, 0)][1]


_OFFER_COLUMNS = (
    "pk",
    "item_id",
    "supplier_id",
    "supplier__code",
    "currency_id",
    "lead_time_days",
    "moq",
    "order_multiple",
    "valid_from",
)


class OfferBook:
    """The current offers of a set of items with their price breaks, read once and priced at any quantity."""

    def __init__(self, *, on: date, item_ids: Iterable[int] | None = None, fx: FxTable | None = None) -> None:
        self.on = on
        self.fx = fx or FxTable(on)
        offers = current_offers(on=on, item_ids=item_ids)
        breaks: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        rows = PriceBreak.objects.filter(offer__in=offers.values("pk")).order_by("offer_id", "min_qty")
        for offer_id, min_qty, unit_price in rows.values_list("offer_id", "min_qty", "unit_price"):
            breaks[offer_id].append((min_qty, unit_price))
        self._offers: dict[int, list[tuple]] = defaultdict(list)
        for row in offers.order_by("item_id", "supplier__code", "pk").values_list(*_OFFER_COLUMNS):
            if breaks[row[0]]:  # an offer without prices cannot be quoted; the offer pages show it
                self._offers[row[1]].append((row, breaks[row[0]]))

    def item_ids(self) -> list[int]:
        return list(self._offers)

    def quotes(self, item_id: int, qty: int) -> list[Quote]:
        """The item's offers priced at ``qty``; an offer in a currency without a rate raises naming it and the date."""
        quotes = []
        for (pk, _item, supplier_id, code, currency, lead, moq, multiple, valid_from), breaks in self._offers.get(
            item_id, []
        ):
            price = break_price(breaks, qty)
            cny = self.fx.convert(price, currency)
            quotes.append(
                Quote(pk, item_id, supplier_id, code, currency, lead, moq, multiple, valid_from, qty, price, cny)
            )
        return quotes


def quotes_by_item(
    *,
    on: date,
    qty_for: dict[int, int] | None = None,
    default_qty: int = DEFAULT_COSTING_LOT,
    item_ids: Iterable[int] | None = None,
    fx: FxTable | None = None,
) -> dict[int, list[Quote]]:
    """Every current offer (of ``item_ids``, or of all items) priced in CNY, grouped by item id.

    ``qty_for`` maps an item id to the quantity to price it at; other items use ``default_qty``.
    """
    book = OfferBook(on=on, item_ids=item_ids, fx=fx)
    qty_for = qty_for or {}
    return {item_id: book.quotes(item_id, qty_for.get(item_id, default_qty)) for item_id in book.item_ids()}


def market_median(quotes: list[Quote], *, excluding_supplier: int | None = None) -> Decimal | None:
    """The median CNY price of ``quotes``, leaving out one supplier's; None when nothing is left."""
    prices = [q.unit_price_cny for q in quotes if q.supplier_id != excluding_supplier]
    return median(prices) if prices else None


def cheapest(quotes: list[Quote], *, score_of: dict[int, Decimal] | None = None) -> Quote | None:
    """The offer costing chooses: cheapest in CNY, then shorter lead time, then better supplier score.

    The supplier code breaks any remaining tie, so the choice never depends on row order.
    """
    score_of = score_of or {}
    if not quotes:
        return None
    return min(
        quotes,
        key=lambda q: (q.unit_price_cny, q.lead_time_days, -score_of.get(q.supplier_id, Decimal(0)), q.supplier_code),
    )
