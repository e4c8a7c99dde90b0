"""Retail's REST endpoints under /api/v1/. Each area keeps its own block."""

from django.urls import path  # noqa: F401
from rest_framework.routers import DefaultRouter

from retail.apis import AllocationRunViewSet

router = DefaultRouter()
router.include_root_view = False
# retailers
# prepayment entries
# retailer orders
# allocations
router.register("allocations", AllocationRunViewSet, basename="api-allocation")

urlpatterns = [*router.urls]
