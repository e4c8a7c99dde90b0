"""Orders importers, one module per area, re-exported for callers."""

from orders.importers.forecasts import (  # noqa: F401
    GRID_NAME,
    DemandSignalDataset,
    GridReport,
    SalesActualDataset,
    WeekColumn,
    forecast_grid_check,
    forecast_grid_columns,
    forecast_grid_import,
    forecast_grid_rows,
)
