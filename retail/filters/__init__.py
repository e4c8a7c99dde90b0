"""Retail's list filters, one module per area; re-exported here."""

from retail.filters.retailers import RetailerFilter  # noqa: F401
