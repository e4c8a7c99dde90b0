"""Logistics apis, one module per area, re-exported for callers."""

from logistics.apis.production import (  # noqa: F401
    FactoryActualsView,
    FactoryCapacityViewSet,
    FactoryScheduleView,
    FactoryViewSet,
    ScheduleLineViewSet,
    ScheduleVersionViewSet,
)
from logistics.apis.shipments import ShipmentSerializer, ShipmentViewSet  # noqa: F401
from logistics.apis.stock import (  # noqa: F401
    LocationSerializer,
    LocationViewSet,
    StockCountSerializer,
    StockCountViewSet,
    StockLevelSerializer,
    StockLevelViewSet,
    StockMoveSerializer,
    StockMoveViewSet,
)
