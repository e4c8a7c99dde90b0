from django.urls import path
from rest_framework.routers import DefaultRouter

from logistics.apis import (
    FactoryActualsView,
    FactoryCapacityViewSet,
    FactoryScheduleView,
    FactoryViewSet,
    LocationViewSet,
    ScheduleLineViewSet,
    ScheduleVersionViewSet,
    ShipmentViewSet,
    StockCountViewSet,
    StockLevelViewSet,
    StockMoveViewSet,
)
from logistics.apis.mrp import MrpRunView, MrpShortageListView, MrpSuggestionListView
from logistics.apis.order_sheets import FactoryOrderSheetFileView, FactoryOrderSheetListView
from logistics.apis.turnover import TurnoverView

router = DefaultRouter()
router.include_root_view = False
router.register("factories", FactoryViewSet, basename="api-factory")
router.register("factory-capacities", FactoryCapacityViewSet, basename="api-factory-capacity")
router.register("schedule-versions", ScheduleVersionViewSet, basename="api-schedule-version")
router.register("schedule-lines", ScheduleLineViewSet, basename="api-schedule-line")
router.register("locations", LocationViewSet, basename="api-location")
router.register("stock-levels", StockLevelViewSet, basename="api-stock-level")
router.register("stock-moves", StockMoveViewSet, basename="api-stock-move")
router.register("stock-counts", StockCountViewSet, basename="api-stock-count")
router.register("shipments", ShipmentViewSet, basename="api-shipment")

urlpatterns = [
    path("factory/schedule/", FactoryScheduleView.as_view(), name="api-factory-schedule"),
    path("factory/actuals/", FactoryActualsView.as_view(), name="api-factory-actuals"),
    path("factory/order-sheets/", FactoryOrderSheetListView.as_view(), name="api-factory-order-sheets"),
    path("factory/order-sheets/<int:pk>/xlsx/", FactoryOrderSheetFileView.as_view(), name="api-factory-order-sheet"),
    path("mrp/run/", MrpRunView.as_view(), name="api-mrp-run"),
    path("reports/turnover/", TurnoverView.as_view(), name="api-turnover"),
    path("mrp/shortages/", MrpShortageListView.as_view(), name="api-mrp-shortages"),
    path("mrp/suggestions/", MrpSuggestionListView.as_view(), name="api-mrp-suggestions"),
    *router.urls,
]
