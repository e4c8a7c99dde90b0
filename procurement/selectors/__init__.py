"""Procurement selectors, one module per area, re-exported for callers."""

from procurement.selectors.boms import (  # noqa: F401
    BomRow,
    ExplodedLine,
    bom_explode,
    bom_line_list,
    bom_lines_in_force,
    bom_parents,
    bom_rows,
)
from procurement.selectors.costing import (  # noqa: F401
    CostLine,
    CostRollup,
    Source,
    cost_rollup,
    cost_rollups,
)
from procurement.selectors.market import (  # noqa: F401
    DEFAULT_COSTING_LOT,
    Quote,
    break_price,
    cheapest,
    current_offers,
    market_median,
    quotes_by_item,
)
from procurement.selectors.outliers import (  # noqa: F401
    Outlier,
    cost_outliers,
    planned_quantities,
    planned_quantities_register,
)
from procurement.selectors.purchasing import (  # noqa: F401  # noqa: F401
    open_purchase_quantities,
    purchase_order_get,
    purchase_order_list,
    purchase_order_receipts,
    purchase_orders_visible_to,
    requirement_source_register,
    supplier_of_user,
    supplier_requirements,
)
from procurement.selectors.scorecard import (  # noqa: F401
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    Scorecard,
    supplier_ranking,
    supplier_scorecard,
)
from procurement.selectors.sourcing import (  # noqa: F401
    component_profile_list,
    offer_unit_price,
    offers_valid_on,
    supplier_get,
    supplier_list,
    supplier_offer_list,
    supplier_status_history,
)
