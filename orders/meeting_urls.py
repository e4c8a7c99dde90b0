from django.urls import path

from orders.views import meeting
from orders.views.meeting_workbook import MeetingUploadView, MeetingWorkbookView

urlpatterns = [
    path("", meeting.MeetingView.as_view(), name="meeting"),
    path("<str:week>/", meeting.MeetingView.as_view(), name="meeting-week"),
    path("<str:week>/cells/<str:sku>/<str:plan_week>/", meeting.MeetingCellView.as_view(), name="meeting-cell"),
    path("<str:week>/history/<str:sku>/", meeting.MeetingHistoryView.as_view(), name="meeting-history"),
    path("<str:week>/chart/<str:sku>/", meeting.MeetingChartView.as_view(), name="meeting-chart"),
    path("<str:week>/decisions/", meeting.MeetingDecisionView.as_view(), name="meeting-decisions"),
    path("<str:week>/lock/", meeting.MeetingLockView.as_view(), name="meeting-lock"),
    path("<str:week>/unlock/", meeting.MeetingUnlockView.as_view(), name="meeting-unlock"),
    path("<str:week>/workbook.xlsx", MeetingWorkbookView.as_view(), name="meeting-workbook"),
    path("<str:week>/upload/", MeetingUploadView.as_view(), name="meeting-upload"),
]
