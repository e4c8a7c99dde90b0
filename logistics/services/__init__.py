"""Logistics services, one module per area, re-exported for callers."""

from logistics.services.locations import LOCATION_FIELDS, location_create, location_update  # noqa: F401
from logistics.services.network import (  # noqa: F401
    factory_capacity_remove,
    factory_capacity_set,
    factory_create,
    factory_update,
)
from logistics.services.production import (  # noqa: F401
    ACTUAL_PERMISSION,
    LOCK_PERMISSION,
    factory_order_sheet_fetched,
    factory_order_sheets_issue,
    factory_user_link,
    production_actual_post,
    schedule_capacity_check,
    schedule_draft_create,
    schedule_line_set,
    schedule_lock,
    spread_over_days,
)
from logistics.services.shipments import (  # noqa: F401
    EventResult,
    ReceiptLineInput,
    ShipmentLineInput,
    shipment_cancel,
    shipment_cancel_listener_register,
    shipment_create,
    shipment_event_listener_register,
    shipment_event_post,
    shipment_receipt_listener_register,
    shipment_receive,
    shipment_ship_now,
    transit_location,
)
from logistics.services.shipments_picked import (  # noqa: F401
    PickedShipment,
    PickedShipmentInput,
    shipments_picked_create,
)
from logistics.services.stock import (  # noqa: F401
    StockMoveInput,
    stock_count_create,
    stock_count_post,
    stock_move_post,
    stock_moves_post,
    stock_release,
    stock_release_many,
    stock_reserve,
    stock_reserve_many,
)
