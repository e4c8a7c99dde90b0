"""Orders' models, one module per area; imported here so Django and callers find them in one place."""

from orders.models.consumer import (  # noqa: F401
    COMMITTED_STATUSES,
    CONSUMER_ORDER_NUMBER_PATTERN,
    ConsumerChannel,
    ConsumerOrder,
    ConsumerOrderCounter,
    ConsumerOrderLine,
    ConsumerOrderStatus,
)
from orders.models.dispatch import (  # noqa: F401
    DispatchLine,
    DispatchOrderKind,
    DispatchRun,
    DispatchTrigger,
)
from orders.models.flash import (  # noqa: F401
    FLASH_SALE_CODE_PATTERN,
    MAX_COUNTER_SHARDS,
    MAX_PAYMENT_MINUTES,
    FlashSale,
    FlashSaleChannel,
    FlashSaleCodeCounter,
    FlashSaleCounter,
    FlashSaleCustomer,
    FlashSaleOrder,
    FlashSaleOrderStatus,
)
from orders.models.forecasts import (  # noqa: F401
    GENERATED_METHODS,
    DemandSignal,
    ForecastMethod,
    ForecastValue,
    ForecastVersion,
    SalesActual,
    SignalSource,
)
from orders.models.meeting import (  # noqa: F401
    MeetingCellEdit,
    MeetingDecision,
    MeetingStatus,
    MeetingWeek,
)
