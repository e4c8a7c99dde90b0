"""Orders apis, one module per area, re-exported for callers."""

from orders.apis.consumer import ConsumerOrderViewSet  # noqa: F401
from orders.apis.dispatch import DispatchRunViewSet, WaitingDemandView  # noqa: F401
from orders.apis.forecasts import (  # noqa: F401
    DemandSignalViewSet,
    ForecastVersionViewSet,
    ForecastView,
    SalesActualViewSet,
)
