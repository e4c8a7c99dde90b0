"""The flash-sale API, mounted at /api/v1/flash-sales/ ahead of every other route (erp/urls.py): the
intake is the hottest request there is, and Django tries the patterns in order."""

from django.urls import path

from orders.apis.flash import (
    FlashSaleDetailView,
    FlashSaleEndView,
    FlashSaleListView,
    FlashSaleLiveView,
    FlashSaleOrderCancelView,
    FlashSaleOrderPayView,
    FlashSaleOrdersView,
)

urlpatterns = [
    path("", FlashSaleListView.as_view(), name="api-flash-sales"),
    path("<str:sale>/", FlashSaleDetailView.as_view(), name="api-flash-sale"),
    path("<str:sale>/end/", FlashSaleEndView.as_view(), name="api-flash-sale-end"),
    path("<str:sale>/live/", FlashSaleLiveView.as_view(), name="api-flash-sale-live"),
    path("<str:sale>/orders/", FlashSaleOrdersView.as_view(), name="api-flash-sale-orders"),
    path(
        "<str:sale>/orders/<str:number>/pay/",
        FlashSaleOrderPayView.as_view(),
        name="api-flash-sale-order-pay",
    ),
    path(
        "<str:sale>/orders/<str:number>/cancel/",
        FlashSaleOrderCancelView.as_view(),
        name="api-flash-sale-order-cancel",
    ),
]
