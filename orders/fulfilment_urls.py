"""Staff pages of dispatch on arrival, mounted at /fulfilment/ (navigation: Logistics)."""

from django.urls import path

from orders.views import dispatch

urlpatterns = [
    path("runs/", dispatch.DispatchRunListView.as_view(), name="dispatch-run-list"),
    path("runs/<int:pk>/", dispatch.DispatchRunDetailView.as_view(), name="dispatch-run-detail"),
    path("waiting/", dispatch.DispatchWaitingView.as_view(), name="dispatch-waiting"),
    path("warehouses/<str:code>/dispatch/", dispatch.DispatchNowView.as_view(), name="dispatch-now"),
]
