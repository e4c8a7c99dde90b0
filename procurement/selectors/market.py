"""What the market charges: every current offer priced in CNY at a chosen quantity, read in bulk.

Costing, the outlier report and the supplier scorecard all compare offers this way, so they
read them here, in a fixed number of queries whatever the number of offers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median

from erp.selectors import FxTable
from procurement.models import SupplierOffer, SupplierStatus
from procurement.selectors.sourcing import offer_unit_price, offers_valid_on

DEFAULT_COSTING_LOT = 10_000


@dataclass(frozen=True)
class Quote:
    """One offer priced at one quantity."""

    offer: SupplierOffer
    qty: int
    unit_price: Decimal  # in the offer's currency
    unit_price_cny: Decimal


def current_offers(*, on: date, item_ids: Iterable[int] | None = None) -> list[SupplierOffer]:
    """Offers in force on ``on`` from suppliers that are not blocked, with supplier and breaks loaded."""
    offers = offers_valid_on(on).exclude(supplier__status=SupplierStatus.BLOCKED)
    if item_ids is not None:
        offers = offers.filter(item_id__in=list(item_ids))
    return list(offers.order_by("item_id", "supplier__code", "pk"))


def quote(offer: SupplierOffer, qty: int, fx: FxTable) -> Quote:
    price = offer_unit_price(offer, qty)
    return Quote(offer=offer, qty=qty, unit_price=price, unit_price_cny=fx.convert(price, offer.currency_id))


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
    Offers in a currency without a rate on ``on`` raise an error naming the currency and date.
    """
    fx = fx or FxTable(on)
    qty_for = qty_for or {}
    grouped: dict[int, list[Quote]] = defaultdict(list)
    for offer in current_offers(on=on, item_ids=item_ids):
        grouped[offer.item_id].append(quote(offer, qty_for.get(offer.item_id, default_qty), fx))
    return dict(grouped)


def market_median(quotes: list[Quote], *, excluding_supplier: int | None = None) -> Decimal | None:
    prices = [q.unit_price_cny for q in quotes if q.offer.supplier_id != excluding_supplier]
    return median(prices) if prices else None
