"""Retail in the Django admin, one module per area; importing this package registers them."""

from retail.admin import allocations, ledger, retailers, stores  # noqa: F401
