"""Procurement selectors, one module per area, re-exported for callers."""

from procurement.selectors.market import (  # noqa: F401
    DEFAULT_COSTING_LOT,
    Quote,
    current_offers,
    market_median,
    quote,
    quotes_by_item,
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
