"""Logistics selectors, one module per area, re-exported for callers."""

from logistics.selectors.stock import (  # noqa: F401
    location_get,
    location_list,
    stock_available,
    stock_by_location,
    stock_count_list,
    stock_level_get,
    stock_level_list,
    stock_move_list,
    stock_moves_of,
    stock_on_hand,
)
