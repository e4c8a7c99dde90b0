"""Retail's models, one module per area; imported here so Django and callers find them in one place."""

from retail.models.allocations import (  # noqa: F401
    AllocationLine,
    AllocationMethod,
    AllocationRun,
    AllocationRunStatus,
)
from retail.models.orders import (  # noqa: F401
    RETAILER_COMMITTED_STATUSES,
    RETAILER_ORDER_NUMBER_PATTERN,
    OrderLineReservation,
    OrderLineShipment,
    RetailerOrder,
    RetailerOrderCounter,
    RetailerOrderLine,
    RetailerOrderStatus,
)
from retail.models.prepayments import (  # noqa: F401
    ENTRY_EFFECTS,
    PrepaymentAccount,
    PrepaymentEntry,
    PrepaymentEntryKind,
    from_cents,
    to_cents,
)
from retail.models.retailers import (  # noqa: F401
    NoticeKind,
    Retailer,
    RetailerNotice,
    RetailerStatus,
    RetailerTier,
    RetailerUser,
)
from retail.models.stores import (  # noqa: F401
    DEFAULT_COVER_DAYS,
    MAX_COVER_DAYS,
    MIN_COVER_DAYS,
    PosUser,
    SellThroughSource,
    Store,
    StoreSellThrough,
)
