from django.urls import path

from logistics import views
from logistics.views import mrp

urlpatterns = [
    path("factories/", views.FactoryListView.as_view(), name="factory-list"),
    path("factories/new/", views.FactoryCreateView.as_view(), name="factory-create"),
    path("factories/<str:code>/", views.FactoryDetailView.as_view(), name="factory-detail"),
    path("factories/<str:code>/edit/", views.FactoryUpdateView.as_view(), name="factory-update"),
    path("factories/<str:code>/capacity/", views.FactoryCapacitySetView.as_view(), name="factory-capacity-set"),
    path(
        "factories/<str:code>/order-sheet/<str:week>/",
        views.FactoryOrderSheetView.as_view(),
        name="factory-order-sheet",
    ),
    path("schedule/", views.ScheduleVersionListView.as_view(), name="schedule-version-list"),
    path("schedule/<int:number>/", views.ScheduleVersionDetailView.as_view(), name="schedule-version-detail"),
    path("schedule/<int:number>/lock/", views.ScheduleLockView.as_view(), name="schedule-version-lock"),
    path("schedule/<int:number>/diff/", views.ScheduleDiffView.as_view(), name="schedule-version-diff"),
    path("locations/", views.LocationListView.as_view(), name="location-list"),
    path("locations/<str:code>/", views.LocationDetailView.as_view(), name="location-detail"),
    path("stock/", views.StockLevelListView.as_view(), name="stock-level-list"),
    path("stock/<str:sku>/<str:code>/", views.StockItemLocationView.as_view(), name="stock-item-location"),
    path("stock-moves/", views.StockMoveListView.as_view(), name="stock-move-list"),
    path("stock-moves/new/", views.StockMoveCreateView.as_view(), name="stock-move-create"),
    path("stock-counts/", views.StockCountListView.as_view(), name="stock-count-list"),
    path("stock-counts/new/", views.StockCountCreateView.as_view(), name="stock-count-create"),
    path("stock-counts/<int:pk>/", views.StockCountDetailView.as_view(), name="stock-count-detail"),
    path("stock-counts/<int:pk>/post/", views.StockCountPostView.as_view(), name="stock-count-post"),
    path("shipments/", views.ShipmentListView.as_view(), name="shipment-list"),
    path("shipments/new/", views.ShipmentCreateView.as_view(), name="shipment-create"),
    path("shipments/<str:number>/", views.ShipmentDetailView.as_view(), name="shipment-detail"),
    path("shipments/<str:number>/events/", views.ShipmentEventView.as_view(), name="shipment-event"),
    path("shipments/<str:number>/receive/", views.ShipmentReceiveView.as_view(), name="shipment-receive"),
    path("shipments/<str:number>/cancel/", views.ShipmentCancelView.as_view(), name="shipment-cancel"),
    path("turnover/", views.TurnoverView.as_view(), name="turnover"),
    path("turnover/standard-costs/", views.StandardCostRefreshView.as_view(), name="standard-cost-refresh"),
    path("mrp/", mrp.MrpShortageView.as_view(), name="mrp-shortages"),
    path("mrp/run/", mrp.MrpRunRequestView.as_view(), name="mrp-run"),
    path("mrp/suggestions/", mrp.MrpSuggestionView.as_view(), name="mrp-suggestions"),
    path("mrp/suggestions/order/", mrp.MrpOrderView.as_view(), name="mrp-order"),
    path("mrp/parts/<str:sku>/", mrp.MrpPartView.as_view(), name="mrp-part"),
]
