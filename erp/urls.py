from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from erp import views

admin.site.site_header = "Tempo administration"
admin.site.site_title = "Tempo admin"
admin.site.index_title = "Master data and raw records"

urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/new/", views.ItemCreateView.as_view(), name="item-create"),
    path("items/<str:sku>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("items/<str:sku>/edit/", views.ItemUpdateView.as_view(), name="item-update"),
    path("prices/", views.PriceListView.as_view(), name="price-list"),
    path("prices/new/", views.PriceCreateView.as_view(), name="price-create"),
    path("prices/<int:pk>/edit/", views.PriceUpdateView.as_view(), name="price-update"),
    path("fx-rates/", views.FxRateListView.as_view(), name="fx-rate-list"),
    path("fx-rates/new/", views.FxRateCreateView.as_view(), name="fx-rate-create"),
    path("portal/", include("retail.portal_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("erp.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema"),
        name="api-redoc",
    ),
]

handler400 = "erp.errorpages.bad_request"
handler403 = "erp.errorpages.permission_denied"
handler404 = "erp.errorpages.page_not_found"
handler500 = "erp.errorpages.server_error"
