"""Retail's REST endpoints under /api/v1/. Each area keeps its own block."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from retail.apis import AllocationRunViewSet
from retail.apis import ledger as ledger_apis
from retail.apis import stores as store_apis
from retail.apis.retailers import RetailerViewSet

router = DefaultRouter()
router.include_root_view = False
# retailers
router.register("retailers", RetailerViewSet, basename="api-retailer")
# prepayment entries
router.register("prepayment-entries", ledger_apis.PrepaymentEntryViewSet, basename="api-prepayment-entry")
# retailer orders
router.register("retailer-orders", ledger_apis.RetailerOrderViewSet, basename="api-retailer-order")
# allocations
router.register("allocations", AllocationRunViewSet, basename="api-allocation")
# stores, sell-through and replenishment
router.register("stores", store_apis.StoreViewSet, basename="api-store")
router.register("store-sell-through", store_apis.SellThroughViewSet, basename="api-store-sell-through")

urlpatterns = [
    *router.urls,
    path("replenishment/", store_apis.ReplenishmentView.as_view(), name="api-replenishment"),
    path("replenishment/accept/", store_apis.ReplenishmentAcceptView.as_view(), name="api-replenishment-accept"),
]
