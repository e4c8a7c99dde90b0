"""Retail's reads, one module per area; re-exported here so callers import from ``retail.selectors``."""

from retail.selectors.demand import retailer_committed_demand  # noqa: F401
