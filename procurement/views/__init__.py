"""Procurement views, one module per area, re-exported for callers."""

from procurement.views.boms import (  # noqa: F401
    BomDetailView,
    BomLineCreateView,
    BomListView,
    ComponentListView,
    CostOutlierListView,
    CostOverviewView,
    CostRollupView,
)
from procurement.views.purchasing import (  # noqa: F401
    PurchaseOrderCancelView,
    PurchaseOrderConfirmView,
    PurchaseOrderCreateView,
    PurchaseOrderDetailView,
    PurchaseOrderLineAddView,
    PurchaseOrderLineRemoveView,
    PurchaseOrderListView,
    PurchaseOrderReceiveView,
    PurchaseOrderSendView,
    SupplierRankingView,
    SupplierScorecardView,
)
from procurement.views.sourcing import (  # noqa: F401
    SupplierCreateView,
    SupplierDetailView,
    SupplierListView,
    SupplierOfferListView,
    SupplierStatusView,
    SupplierUpdateView,
)
