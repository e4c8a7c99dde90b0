from django.urls import path
from rest_framework.routers import DefaultRouter

from procurement.apis import (
    BomLineViewSet,
    ComponentProfileViewSet,
    CostOutlierView,
    ItemCostView,
    PurchaseOrderViewSet,
    SupplierOfferViewSet,
    SupplierRequirementsView,
    SupplierViewSet,
)

router = DefaultRouter()
router.include_root_view = False
router.register("suppliers", SupplierViewSet, basename="api-supplier")
router.register("component-profiles", ComponentProfileViewSet, basename="api-component-profile")
router.register("supplier-offers", SupplierOfferViewSet, basename="api-supplier-offer")
router.register("bom-lines", BomLineViewSet, basename="api-bom-line")
router.register("purchase-orders", PurchaseOrderViewSet, basename="api-purchase-order")

urlpatterns = [
    path("supplier/requirements/", SupplierRequirementsView.as_view(), name="api-supplier-requirements"),
    *router.urls,
    path("items/<str:sku>/cost/", ItemCostView.as_view(), name="api-item-cost"),
    path("reports/cost-outliers/", CostOutlierView.as_view(), name="api-cost-outliers"),
]
