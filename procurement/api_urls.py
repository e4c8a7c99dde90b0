from rest_framework.routers import DefaultRouter

from procurement.apis import ComponentProfileViewSet, SupplierOfferViewSet, SupplierViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("suppliers", SupplierViewSet, basename="api-supplier")
router.register("component-profiles", ComponentProfileViewSet, basename="api-component-profile")

router.register("supplier-offers", SupplierOfferViewSet, basename="api-supplier-offer")

urlpatterns = router.urls
