from django.urls import path

from orders.views.plan import DemandPlanView

urlpatterns = [
    path("plan/", DemandPlanView.as_view(), name="demand-plan"),
]
