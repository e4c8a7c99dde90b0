from django.urls import path

from logistics import views

urlpatterns = [
    path("factories/", views.FactoryListView.as_view(), name="factory-list"),
    path("factories/new/", views.FactoryCreateView.as_view(), name="factory-create"),
    path("factories/<str:code>/", views.FactoryDetailView.as_view(), name="factory-detail"),
    path("factories/<str:code>/edit/", views.FactoryUpdateView.as_view(), name="factory-update"),
    path("factories/<str:code>/capacity/", views.FactoryCapacitySetView.as_view(), name="factory-capacity-set"),
    path(
        "factories/<str:code>/order-sheet/<str:week>/",
        views.FactoryOrderSheetView.as_view(),
        name="factory-order-sheet",
    ),
    path("schedule/", views.ScheduleVersionListView.as_view(), name="schedule-version-list"),
    path("schedule/<int:number>/", views.ScheduleVersionDetailView.as_view(), name="schedule-version-detail"),
    path("schedule/<int:number>/lock/", views.ScheduleLockView.as_view(), name="schedule-version-lock"),
    path("schedule/<int:number>/diff/", views.ScheduleDiffView.as_view(), name="schedule-version-diff"),
]
