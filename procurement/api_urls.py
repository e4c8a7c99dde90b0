from django.urls import path
from rest_framework.routers import DefaultRouter

from procurement.apis import (
    ComponentProfileViewSet,
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
router.register("purchase-orders", PurchaseOrderViewSet, basename="api-purchase-order")

urlpatterns = [
    path("supplier/requirements/", SupplierRequirementsView.as_view(), name="api-supplier-requirements"),
    *router.urls,
]
