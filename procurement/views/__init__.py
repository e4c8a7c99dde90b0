"""Procurement views, one module per area, re-exported for callers."""

from procurement.views.sourcing import (  # noqa: F401
    SupplierCreateView,
    SupplierDetailView,
    SupplierListView,
    SupplierOfferListView,
    SupplierStatusView,
    SupplierUpdateView,
)
