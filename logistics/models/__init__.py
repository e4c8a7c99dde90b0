"""Logistics' models, one module per area; imported here so Django and callers find them in one place."""

from logistics.models.mrp import MrpPart, MrpPlannedOrder, MrpRun, MrpRunStatus  # noqa: F401
from logistics.models.network import (  # noqa: F401
    WORKING_DAYS_PATTERN,
    Factory,
    FactoryCapacity,
    Location,
    LocationKind,
)
from logistics.models.production import (  # noqa: F401
    FactoryOrderSheet,
    FactoryUser,
    ProductionActual,
    ScheduleDay,
    ScheduleLine,
    ScheduleStatus,
    ScheduleVersion,
)
from logistics.models.shipments import (  # noqa: F401
    DEPARTED,
    SHIPMENT_NUMBER_PATTERN,
    DiscrepancyReason,
    Shipment,
    ShipmentCounter,
    ShipmentEvent,
    ShipmentEventSource,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
)
from logistics.models.stock import (  # noqa: F401
    FLOW_EPOCH_ISO,
    ItemFlowDay,
    StockCount,
    StockCountLine,
    StockCountStatus,
    StockFlowDay,
    StockLevel,
    StockMove,
    StockMoveReason,
    flow_seconds,
)
