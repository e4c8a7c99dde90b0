"""Orders selectors, one module per area, re-exported for callers."""

from orders.selectors.demand import (  # noqa: F401
    committed_consumer_demand,
    committed_demand,
    committed_demand_register,
    committed_demand_sources,
    forecast_quantities,
    sales_actuals,
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
