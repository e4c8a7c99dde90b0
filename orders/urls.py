from django.urls import path

from orders import views
from orders.views.plan import DemandPlanView

urlpatterns = [
    path("plan/", DemandPlanView.as_view(), name="demand-plan"),
    path("forecast/", views.ForecastGridView.as_view(), name="forecast-grid"),
    path("forecast/versions/", views.ForecastVersionListView.as_view(), name="forecast-version-list"),
    path("forecast/versions/<int:number>/generate/", views.ForecastGenerateView.as_view(), name="forecast-generate"),
    path("forecast/versions/<int:number>/import/", views.ForecastGridImportView.as_view(), name="forecast-import"),
    path("forecast/accuracy/", views.ForecastAccuracyView.as_view(), name="forecast-accuracy"),
    path("demand-signals/", views.DemandSignalListView.as_view(), name="demand-signal-list"),
    path("sales-actuals/", views.SalesActualListView.as_view(), name="sales-actual-list"),
    path("consumer-orders/", views.ConsumerOrderListView.as_view(), name="consumer-order-list"),
    path("consumer-orders/<str:number>/", views.ConsumerOrderDetailView.as_view(), name="consumer-order-detail"),
    path("consumer-orders/<str:number>/pay/", views.ConsumerOrderPayView.as_view(), name="consumer-order-pay"),
    path("consumer-orders/<str:number>/cancel/", views.ConsumerOrderCancelView.as_view(), name="consumer-order-cancel"),
    path("flash-sales/", views.FlashSaleListView.as_view(), name="flash-sale-list"),
    path("flash-sales/new/", views.FlashSaleCreateView.as_view(), name="flash-sale-create"),
    path("flash-sales/<str:code>/", views.FlashSaleDetailView.as_view(), name="flash-sale-detail"),
    path("flash-sales/<str:code>/end/", views.FlashSaleEndView.as_view(), name="flash-sale-end"),
    path(
        "flash-sales/<str:code>/orders/<str:number>/pay/",
        views.FlashSaleOrderPayView.as_view(),
        name="flash-sale-order-pay",
    ),
    path(
        "flash-sales/<str:code>/orders/<str:number>/cancel/",
        views.FlashSaleOrderCancelView.as_view(),
        name="flash-sale-order-cancel",
    ),
]
