"""Procurement's models, one module per area; imported here so Django and callers find them in one place."""

from procurement.models.boms import MAX_SCRAP_PCT, MIN_QTY_PER, BomLine, CostRates, StandardCost  # noqa: F401
from procurement.models.purchasing import (  # noqa: F401
    CONFIRMED_OR_LATER,
    PO_NUMBER_PATTERN,
    SENT_OR_LATER,
    PurchaseOrder,
    PurchaseOrderCounter,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Receipt,
    SupplierUser,
)
from procurement.models.sourcing import (  # noqa: F401
    BASE_CURRENCY,
    COUNTRY_PATTERN,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_BREAKS,
    MIN_UNIT_PRICE,
    ComponentCategory,
    ComponentProfile,
    PaymentTerms,
    PriceBreak,
    Supplier,
    SupplierOffer,
    SupplierStatus,
    SupplierStatusChange,
)
