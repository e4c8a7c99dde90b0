"""Retail's REST endpoints under /api/v1/. Each area keeps its own block."""

from django.urls import path  # noqa: F401
from rest_framework.routers import DefaultRouter

from retail.apis.retailers import RetailerViewSet

router = DefaultRouter()
router.include_root_view = False
# retailers
router.register("retailers", RetailerViewSet, basename="api-retailer")
# prepayment entries
# retailer orders
# allocations

urlpatterns = [*router.urls]
