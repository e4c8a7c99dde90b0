"""Orders admin, one module per area, re-exported for callers."""

from orders.admin.dispatch import DispatchLineInline, DispatchRunAdmin  # noqa: F401
from orders.admin.flash import FlashSaleAdmin, FlashSaleCounterInline, FlashSaleOrderAdmin  # noqa: F401
from orders.admin.meeting import MeetingCellEditAdmin, MeetingDecisionAdmin, MeetingWeekAdmin  # noqa: F401
from orders.admin.planning import (  # noqa: F401
    ConsumerOrderAdmin,
    ConsumerOrderLineInline,
    DemandSignalAdmin,
    ForecastValueAdmin,
    ForecastVersionAdmin,
    SalesActualAdmin,
)
