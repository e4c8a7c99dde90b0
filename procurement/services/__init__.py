"""Procurement services, one module per area, re-exported for callers."""

from procurement.services.boms import (  # noqa: F401
    bom_cycle_path,
    bom_line_create,
    bom_line_delete,
    bom_line_update,
    cost_rates_set,
)
from procurement.services.sourcing import (  # noqa: F401
    BLOCK_PERMISSION,
    OFFER_EDITABLE_FIELDS,
    SUPPLIER_EDITABLE_FIELDS,
    component_profile_set,
    price_breaks_problems,
    supplier_create,
    supplier_offer_create,
    supplier_offer_update,
    supplier_set_status,
    supplier_update,
)
