"""Procurement selectors, one module per area, re-exported for callers."""

from procurement.selectors.market import (  # noqa: F401
    DEFAULT_COSTING_LOT,
    Quote,
    current_offers,
    market_median,
    quote,
    quotes_by_item,
)
from procurement.selectors.purchasing import (  # noqa: F401
    purchase_order_get,
    purchase_order_list,
    purchase_order_receipts,
    purchase_orders_visible_to,
    supplier_of_user,
)
from procurement.selectors.scorecard import (  # noqa: F401
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    Scorecard,
    supplier_ranking,
    supplier_scorecard,
)
from procurement.selectors.sourcing import (  # noqa: F401
    component_profile_list,
    offer_unit_price,
    offers_valid_on,
    supplier_get,
    supplier_list,
    supplier_offer_list,
    supplier_status_history,
)
