"""Retail's admin, one module per area; importing this package registers them."""

import retail.admin.retailers  # noqa: F401
