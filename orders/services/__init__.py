"""Orders services, one module per area, re-exported for callers."""

from orders.services.consumer import (  # noqa: F401
    ConsumerOrderLineInput,
    IdempotencyKeyReused,
    consumer_order_cancel,
    consumer_order_create,
    consumer_order_fingerprint,
    consumer_order_pay,
    consumer_region_check,
    consumer_shipment_cancelled,
)
from orders.services.dispatch import (  # noqa: F401
    dispatch_items_check,
    dispatch_on_allocation,
    dispatch_on_receipt,
    dispatch_plan,
    dispatch_run,
    dispatch_serving,
)
from orders.services.flash import (  # noqa: F401
    FlashSaleBusy,
    FlashSaleRefused,
    FlashSaleSoldOut,
    FlashTake,
    flash_sale_change,
    flash_sale_create,
    flash_sale_end,
    flash_sale_fingerprint,
    flash_sale_order_cancel,
    flash_sale_order_pay,
    flash_sale_order_take,
    flash_sale_orders_expire,
    flash_sale_window_refusal,
)
from orders.services.forecasts import (  # noqa: F401
    MAX_GENERATE_WEEKS,
    MAX_WEEKS_AWAY,
    CellInput,
    SignalInput,
    demand_signals_import,
    forecast_compute,
    forecast_generate,
    forecast_values_set,
    forecast_version_create,
    forecast_version_make_current,
    sales_actual_set,
    week_check,
)
