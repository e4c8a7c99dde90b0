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
from procurement.views.sourcing import (  # noqa: F401
    SupplierCreateView,
    SupplierDetailView,
    SupplierListView,
    SupplierOfferListView,
    SupplierStatusView,
    SupplierUpdateView,
)
