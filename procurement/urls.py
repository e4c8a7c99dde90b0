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
]
