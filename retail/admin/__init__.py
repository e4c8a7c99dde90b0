"""Retail in the Django admin, one module per area."""

from retail.admin import ledger  # noqa: F401

import retail.admin.retailers  # noqa: F401
