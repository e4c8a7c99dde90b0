from django.urls import path

from procurement import views

urlpatterns = [
    path("suppliers/", views.SupplierListView.as_view(), name="supplier-list"),
    path("suppliers/new/", views.SupplierCreateView.as_view(), name="supplier-create"),
    path("suppliers/<str:code>/", views.SupplierDetailView.as_view(), name="supplier-detail"),
    path("suppliers/<str:code>/edit/", views.SupplierUpdateView.as_view(), name="supplier-update"),
    path("suppliers/<str:code>/status/", views.SupplierStatusView.as_view(), name="supplier-status"),
    path("offers/", views.SupplierOfferListView.as_view(), name="supplier-offer-list"),
    path("components/", views.ComponentListView.as_view(), name="component-list"),
    path("boms/", views.BomListView.as_view(), name="bom-list"),
    path("boms/<str:sku>/", views.BomDetailView.as_view(), name="bom-detail"),
    path("boms/<str:sku>/lines/new/", views.BomLineCreateView.as_view(), name="bom-line-create"),
    path("costing/", views.CostOverviewView.as_view(), name="cost-overview"),
    path("costing/<str:sku>/", views.CostRollupView.as_view(), name="cost-rollup"),
    path("outliers/", views.CostOutlierListView.as_view(), name="cost-outlier-list"),
    path("suppliers/<str:code>/scorecard/", views.SupplierScorecardView.as_view(), name="supplier-scorecard"),
    path("scorecards/", views.SupplierRankingView.as_view(), name="supplier-ranking"),
    path("purchase-orders/", views.PurchaseOrderListView.as_view(), name="purchase-order-list"),
    path("purchase-orders/new/", views.PurchaseOrderCreateView.as_view(), name="purchase-order-create"),
    path("purchase-orders/<str:number>/", views.PurchaseOrderDetailView.as_view(), name="purchase-order-detail"),
    path(
        "purchase-orders/<str:number>/lines/", views.PurchaseOrderLineAddView.as_view(), name="purchase-order-line-add"
    ),
    path(
        "purchase-orders/<str:number>/lines/remove/",
        views.PurchaseOrderLineRemoveView.as_view(),
        name="purchase-order-line-remove",
    ),
    path("purchase-orders/<str:number>/send/", views.PurchaseOrderSendView.as_view(), name="purchase-order-send"),
    path(
        "purchase-orders/<str:number>/confirm/", views.PurchaseOrderConfirmView.as_view(), name="purchase-order-confirm"
    ),
    path(
        "purchase-orders/<str:number>/receive/", views.PurchaseOrderReceiveView.as_view(), name="purchase-order-receive"
    ),
    path("purchase-orders/<str:number>/cancel/", views.PurchaseOrderCancelView.as_view(), name="purchase-order-cancel"),
]
