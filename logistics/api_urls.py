from django.urls import path
from rest_framework.routers import DefaultRouter

from logistics.apis import (
    FactoryActualsView,
    FactoryCapacityViewSet,
    FactoryScheduleView,
    FactoryViewSet,
    ScheduleLineViewSet,
    ScheduleVersionViewSet,
)

router = DefaultRouter()
router.include_root_view = False
router.register("factories", FactoryViewSet, basename="api-factory")
router.register("factory-capacities", FactoryCapacityViewSet, basename="api-factory-capacity")
router.register("schedule-versions", ScheduleVersionViewSet, basename="api-schedule-version")
router.register("schedule-lines", ScheduleLineViewSet, basename="api-schedule-line")

urlpatterns = [
    path("factory/schedule/", FactoryScheduleView.as_view(), name="api-factory-schedule"),
    path("factory/actuals/", FactoryActualsView.as_view(), name="api-factory-actuals"),
    *router.urls,
]
