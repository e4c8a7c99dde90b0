"""Logistics services, one module per area, re-exported for callers."""

from logistics.services.locations import LOCATION_FIELDS, location_create, location_update  # noqa: F401
from logistics.services.stock import (  # noqa: F401
    StockMoveInput,
    stock_count_create,
    stock_count_post,
    stock_move_post,
    stock_moves_post,
    stock_release,
    stock_reserve,
)
