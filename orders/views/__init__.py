"""Orders views, one module per area, re-exported for callers."""

from orders.views.consumer import (  # noqa: F401
    ConsumerOrderCancelView,
    ConsumerOrderDetailView,
    ConsumerOrderListView,
    ConsumerOrderPayView,
)
from orders.views.flash import (  # noqa: F401
    FlashSaleCreateView,
    FlashSaleDetailView,
    FlashSaleEndView,
    FlashSaleListView,
    FlashSaleOrderCancelView,
    FlashSaleOrderPayView,
)
from orders.views.forecasts import (  # noqa: F401
    DemandSignalListView,
    ForecastAccuracyView,
    ForecastGenerateView,
    ForecastGridImportView,
    ForecastGridView,
    ForecastVersionListView,
    SalesActualListView,
)
