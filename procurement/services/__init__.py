"""Procurement services, one module per area, re-exported for callers."""

from procurement.services.boms import (  # noqa: F401
    bom_cycle_path,
    bom_line_create,
    bom_line_delete,
    bom_line_update,
    cost_rates_set,
)
from procurement.services.purchasing import (  # noqa: F401
    LineTerms,
    ReceiptInput,
    purchase_order_cancel,
    purchase_order_confirm,
    purchase_order_create,
    purchase_order_line_add,
    purchase_order_line_remove,
    purchase_order_line_terms,
    purchase_order_line_update,
    purchase_order_receive,
    purchase_order_send,
    purchasing_listener_register,
    supplier_user_link,
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
from procurement.services.standard_costs import standard_costs_refresh  # noqa: F401
