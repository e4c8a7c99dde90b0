"""Logistics importers, one module per area, re-exported for callers."""

from logistics.importers.production import FactoryCapacityDataset, ProductionScheduleDataset  # noqa: F401
from logistics.importers.shipments import ShipmentLineDataset  # noqa: F401
from logistics.importers.stock import LocationDataset, StockCountDataset, StockOpeningDataset  # noqa: F401
