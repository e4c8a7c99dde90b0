"""Retail's reads, one module per area; re-exported here so callers import from ``retail.selectors``."""

from retail.selectors.demand import retailer_committed_demand  # noqa: F401
from retail.selectors.portal import (  # noqa: F401
    portal_dashboard,
    portal_order,
    portal_store,
    portal_user,
)
from retail.selectors.prepayments import (  # noqa: F401
    Statement,
    prepayment_entries,
    prepayment_statement,
    statement_default_period,
)
