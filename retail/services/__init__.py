"""Retail's writes, one module per area; re-exported here so callers import from ``retail.services``."""

from retail.services.allocations import (  # noqa: F401
    allocation_applied_listener_register,
    allocation_run_apply,
    allocation_run_execute,
    allocation_run_preview,
    prepayment_weights,
)
from retail.services.fulfilment import (  # noqa: F401
    RetailerLineDispatch,
    retailer_dispatch_record,
    retailer_handover,
    retailer_order_ship,
    retailer_orders_lock,
    retailer_shipment_cancelled,
    retailer_shipment_event,
)
from retail.services.ledger_bulk import prepayment_entries_bulk_post  # noqa: F401
from retail.services.orders import (  # noqa: F401
    CANCELLABLE,
    IdempotencyKeyReused,
    RetailerOrderLineInput,
    order_hold_release,
    order_line_cents,
    retailer_order_cancel,
    retailer_order_confirm,
    retailer_order_create,
    retailer_order_deliver,
    retailer_order_place,
    retailer_order_submit,
)
from retail.services.prepayments import (  # noqa: F401
    InsufficientPrepayment,
    money_check,
    prepayment_account_ensure,
    prepayment_adjustment_record,
    prepayment_deposit_record,
    prepayment_entry_post,
    prepayment_refund_record,
)
from retail.services.replenishment import ReplenishmentAccepted, replenishment_accept  # noqa: F401
from retail.services.retailers import (  # noqa: F401
    RETAILER_EDITABLE_FIELDS,
    email_check,
    retailer_code_check,
    retailer_create,
    retailer_set_status,
    retailer_status_check,
    retailer_tier_check,
    retailer_update,
    retailer_user_deactivate,
    retailer_user_invite,
    retailer_users_check_new,
    retailer_users_create,
)
from retail.services.sell_through import (  # noqa: F401
    SellThroughInput,
    SellThroughRecorded,
    StoreCountInput,
    store_sell_through_record,
    store_stock_counts_record,
)
from retail.services.stores import (  # noqa: F401
    STORE_FIELDS,
    pos_user_link,
    store_create,
    store_default_warehouse,
    store_update,
)
