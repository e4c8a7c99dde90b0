from django.urls import path

from procurement import views

urlpatterns = [
    path("suppliers/", views.SupplierListView.as_view(), name="supplier-list"),
    path("suppliers/new/", views.SupplierCreateView.as_view(), name="supplier-create"),
    path("suppliers/<str:code>/", views.SupplierDetailView.as_view(), name="supplier-detail"),
    path("suppliers/<str:code>/edit/", views.SupplierUpdateView.as_view(), name="supplier-update"),
    path("suppliers/<str:code>/status/", views.SupplierStatusView.as_view(), name="supplier-status"),
    path("offers/", views.SupplierOfferListView.as_view(), name="supplier-offer-list"),
]
