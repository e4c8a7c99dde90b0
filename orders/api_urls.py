from django.urls import path

from orders.apis.plan import DemandPlanView

urlpatterns = [
    path("plan/", DemandPlanView.as_view(), name="api-plan"),
]
