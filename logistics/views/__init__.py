"""Logistics views, one module per area, re-exported for callers."""

from logistics.views.production import (  # noqa: F401
    FactoryCapacitySetView,
    FactoryCreateView,
    FactoryDetailView,
    FactoryListView,
    FactoryOrderSheetView,
    FactoryUpdateView,
    ScheduleDiffView,
    ScheduleLockView,
    ScheduleVersionDetailView,
    ScheduleVersionListView,
)
from logistics.views.shipments import (  # noqa: F401
    ShipmentCancelView,
    ShipmentCreateView,
    ShipmentDetailView,
    ShipmentEventView,
    ShipmentListView,
    ShipmentReceiveView,
)
from logistics.views.stock import (  # noqa: F401
    LocationDetailView,
    LocationListView,
    StockCountCreateView,
    StockCountDetailView,
    StockCountListView,
    StockCountPostView,
    StockItemLocationView,
    StockLevelListView,
    StockMoveCreateView,
    StockMoveListView,
)
from logistics.views.turnover import StandardCostRefreshView, TurnoverView  # noqa: F401
