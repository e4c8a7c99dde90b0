"""Procurement admin, one module per area, re-exported for callers."""

from procurement.admin.boms import BomLineAdmin, CostRatesAdmin  # noqa: F401
from procurement.admin.purchasing import (  # noqa: F401
    PurchaseOrderAdmin,
    PurchaseOrderLineInline,
    ReceiptAdmin,
    SupplierUserAdmin,
)
from procurement.admin.sourcing import (  # noqa: F401
    ComponentProfileAdmin,
    PriceBreakFormSet,
    PriceBreakInline,
    SupplierAdmin,
    SupplierOfferAdmin,
    SupplierStatusChangeAdmin,
)
