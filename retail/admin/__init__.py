"""Retail in the Django admin, one module per area."""

from retail.admin import allocations  # noqa: F401
