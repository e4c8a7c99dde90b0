from django.urls import path
from rest_framework.routers import DefaultRouter

from orders.apis import (
    ConsumerOrderViewSet,
    DemandSignalViewSet,
    DispatchRunViewSet,
    ForecastVersionViewSet,
    ForecastView,
    SalesActualViewSet,
    WaitingDemandView,
)
from orders.apis.meeting import (
    MeetingCellsView,
    MeetingDecisionsView,
    MeetingLockView,
    MeetingUnlockView,
    MeetingView,
)
from orders.apis.meeting_workbook import MeetingWorkbookApiView
from orders.apis.plan import DemandPlanView

router = DefaultRouter()
router.include_root_view = False
router.register("forecast-versions", ForecastVersionViewSet, basename="api-forecast-version")
router.register("demand-signals", DemandSignalViewSet, basename="api-demand-signal")
router.register("sales-actuals", SalesActualViewSet, basename="api-sales-actual")
router.register("consumer-orders", ConsumerOrderViewSet, basename="api-consumer-order")
router.register("dispatch-runs", DispatchRunViewSet, basename="api-dispatch-run")

urlpatterns = [
    path("forecasts/", ForecastView.as_view(), name="api-forecasts"),
    path("plan/", DemandPlanView.as_view(), name="api-plan"),
    path("meetings/<str:week>/workbook/", MeetingWorkbookApiView.as_view(), name="api-meeting-workbook"),
    path("dispatch/waiting/", WaitingDemandView.as_view(), name="api-dispatch-waiting"),
    path("meetings/<str:week>/", MeetingView.as_view(), name="api-meeting"),
    path("meetings/<str:week>/cells/", MeetingCellsView.as_view(), name="api-meeting-cells"),
    path("meetings/<str:week>/decisions/", MeetingDecisionsView.as_view(), name="api-meeting-decisions"),
    path("meetings/<str:week>/lock/", MeetingLockView.as_view(), name="api-meeting-lock"),
    path("meetings/<str:week>/unlock/", MeetingUnlockView.as_view(), name="api-meeting-unlock"),
    *router.urls,
]
