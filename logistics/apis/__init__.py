"""Logistics apis, one module per area, re-exported for callers."""

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
