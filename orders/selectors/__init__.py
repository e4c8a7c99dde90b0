"""Orders selectors, one module per area, re-exported for callers."""

from orders.selectors.demand import (  # noqa: F401
    committed_consumer_demand,
    committed_demand,
    committed_demand_register,
    committed_demand_sources,
    forecast_quantities,
    sales_actuals,
)
from orders.selectors.dispatch import (  # noqa: F401
    WaitingGroup,
    WaitingLine,
    consumer_order_dispatches,
    consumer_waiting_line_list,
    consumer_waiting_lines,
    demand_waits_at,
    dispatch_run_get,
    dispatch_run_list,
    free_stock_serving,
    waiting_demand,
    waiting_lines_for,
    waiting_summary,
)
from orders.selectors.forecasts import (  # noqa: F401
    Accuracy,
    GridCell,
    GridRow,
    consumer_order_list,
    demand_signal_list,
    forecast_accuracy,
    forecast_grid,
    forecast_products,
    forecast_value_list,
    forecast_version_current,
    forecast_version_get,
    forecast_version_list,
    sales_actual_list,
)
