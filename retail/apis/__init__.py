"""Retail's REST resources, one module per area."""

from retail.apis.allocations import AllocationRunViewSet  # noqa: F401
