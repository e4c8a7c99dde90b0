"""Logistics selectors, one module per area, re-exported for callers."""

from logistics.selectors.network import (  # noqa: F401
    factory_capacity_list,
    factory_get,
    factory_list,
    factory_weekly_capacity,
)
from logistics.selectors.production import (  # noqa: F401
    DiffCell,
    Grid,
    GridRow,
    factory_of_user,
    factory_order_sheet_table,
    factory_order_sheets,
    factory_schedule,
    planned_production,
    production_actuals,
    schedule_current_locked,
    schedule_diff,
    schedule_draft,
    schedule_grid,
    schedule_lines,
    schedule_version_get,
    schedule_version_list,
)
from logistics.selectors.shipments import shipment_find, shipment_list  # noqa: F401
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
    warehouse_list,
    warehouse_regions,
)
from logistics.selectors.turnover import (  # noqa: F401
    TurnoverReport,
    TurnoverRow,
    turnover_report,
    turnover_window_check,
)
