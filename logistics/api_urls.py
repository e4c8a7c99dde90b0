from rest_framework.routers import DefaultRouter

from logistics.apis import LocationViewSet, StockCountViewSet, StockLevelViewSet, StockMoveViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("locations", LocationViewSet, basename="api-location")
router.register("stock-levels", StockLevelViewSet, basename="api-stock-level")
router.register("stock-moves", StockMoveViewSet, basename="api-stock-move")
router.register("stock-counts", StockCountViewSet, basename="api-stock-count")

urlpatterns = [*router.urls]
