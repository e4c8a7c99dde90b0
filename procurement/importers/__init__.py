"""Procurement importers, one module per area, re-exported for callers."""

from procurement.importers.boms import BomLineDataset, CostRatesDataset  # noqa: F401
from procurement.importers.purchasing import PurchaseOrderLineDataset  # noqa: F401
from procurement.importers.sourcing import (  # noqa: F401
    BREAK_ATTRS,
    BREAKS,
    CODE_HINT,
    STATUS_ON_PAGE,
    ComponentProfileDataset,
    SupplierDataset,
    SupplierOfferDataset,
)
