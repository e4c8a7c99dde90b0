from django.urls import path
from rest_framework.routers import DefaultRouter

from erp.api.auth import TokenCreateView, TokenRevokeAllView, TokenRevokeView
from erp.apis import CurrencyViewSet, FxRateViewSet, ItemViewSet, PriceViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("items", ItemViewSet, basename="api-item")
router.register("prices", PriceViewSet, basename="api-price")
router.register("currencies", CurrencyViewSet, basename="api-currency")
router.register("fx-rates", FxRateViewSet, basename="api-fx-rate")

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="api-token-create"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path(
        "auth/token/revoke-all/",
        TokenRevokeAllView.as_view(),
        name="api-token-revoke-all",
    ),
    *router.urls,
]
