"""Retail's reads, one module per area; re-exported here so callers import from ``retail.selectors``."""

from retail.selectors.allocations import (  # noqa: F401
    allocation_candidates,
    allocation_lines_of,
    allocation_retailer_of_user,
    allocation_run_list,
    allocation_runs_of_retailer,
    allocation_waiting_demand,
)
from retail.selectors.demand import retailer_committed_demand  # noqa: F401
from retail.selectors.fulfilment import (  # noqa: F401
    RetailerWaitingLine,
    retailer_order_shipments,
    retailer_waiting_line_list,
    retailer_waiting_lines,
    retailer_waiting_order_ids,
)
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
from retail.selectors.replenishment import (  # noqa: F401
    ReplenishmentLine,
    ReplenishmentPlan,
    StorePlan,
    replenishment_plan,
    replenishment_view,
)
from retail.selectors.retailers import (  # noqa: F401
    retailer_list,
    retailer_of_user,
    retailer_recent_orders,
    retailer_regions,
    retailer_stores,
    retailer_users,
    retailers_visible_to,
)
from retail.selectors.stores import (  # noqa: F401
    ALL_STORES,
    StoreScope,
    pos_link_of,
    retailer_scope,
    sell_through_list,
    store_get,
    store_list,
    store_regions,
    store_scope_of,
    stores_by_code,
)
