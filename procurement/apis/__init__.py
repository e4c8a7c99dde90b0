"""Procurement apis, one module per area, re-exported for callers."""

from procurement.apis.boms import BomLineViewSet, CostOutlierView, ItemCostView  # noqa: F401
from procurement.apis.purchasing import (  # noqa: F401
    SCORECARD_PARAMETERS,
    PurchaseOrderPermission,
    PurchaseOrderSerializer,
    PurchaseOrderViewSet,
    ScorecardPermission,
    ScorecardSerializer,
    SupplierRequirementsView,
    scorecard_response,
)
from procurement.apis.sourcing import (  # noqa: F401
    ComponentProfileInputSerializer,
    ComponentProfileSerializer,
    ComponentProfileViewSet,
    PriceBreakInputSerializer,
    PriceBreakSerializer,
    SupplierChangePermission,
    SupplierInputSerializer,
    SupplierOfferInputSerializer,
    SupplierOfferSerializer,
    SupplierOfferUpdateSerializer,
    SupplierOfferViewSet,
    SupplierSerializer,
    SupplierStatusInputSerializer,
    SupplierUpdateSerializer,
    SupplierViewSet,
)
