from django.urls import path
from rest_framework.routers import DefaultRouter

from erp.api.auth import TokenCreateView, TokenRevokeAllView, TokenRevokeView
from erp.apis import CurrencyViewSet, FxRateViewSet, ItemViewSet, PriceViewSet
from erp.excel import apis as excel_apis

router = DefaultRouter()
router.include_root_view = False
router.register("items", ItemViewSet, basename="api-item")
router.register("prices", PriceViewSet, basename="api-price")
router.register("currencies", CurrencyViewSet, basename="api-currency")
router.register("fx-rates", FxRateViewSet, basename="api-fx-rate")
router.register("excel/runs", excel_apis.ImportRunViewSet, basename="api-excel-run")

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="api-token-create"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path(
        "auth/token/revoke-all/",
        TokenRevokeAllView.as_view(),
        name="api-token-revoke-all",
    ),
    path("excel/", excel_apis.DatasetListView.as_view(), name="api-excel-datasets"),
    *router.urls,
    path("excel/<str:dataset>/template/", excel_apis.TemplateView.as_view(), name="api-excel-template"),
    path("excel/<str:dataset>/export/", excel_apis.ExportView.as_view(), name="api-excel-export"),
    path("excel/<str:dataset>/import/", excel_apis.ImportView.as_view(), name="api-excel-import"),
]
