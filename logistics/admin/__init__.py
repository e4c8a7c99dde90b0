"""Logistics admin, one module per area, re-exported for callers."""

from logistics.admin.production import (  # noqa: F401
    FactoryAdmin,
    FactoryCapacityAdmin,
    FactoryUserAdmin,
    ProductionActualAdmin,
    ScheduleLineAdmin,
    ScheduleVersionAdmin,
)
from logistics.admin.shipments import ShipmentAdmin  # noqa: F401
from logistics.admin.stock import (  # noqa: F401
    LocationAdmin,
    StockCountAdmin,
    StockLevelAdmin,
    StockMoveAdmin,
)
