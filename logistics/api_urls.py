from django.urls import path

from logistics.apis.mrp import MrpRunView, MrpShortageListView, MrpSuggestionListView

urlpatterns = [
    path("mrp/run/", MrpRunView.as_view(), name="api-mrp-run"),
    path("mrp/shortages/", MrpShortageListView.as_view(), name="api-mrp-shortages"),
    path("mrp/suggestions/", MrpSuggestionListView.as_view(), name="api-mrp-suggestions"),
]
