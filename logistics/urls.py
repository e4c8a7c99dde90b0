from django.urls import path

from logistics.views import mrp

urlpatterns = [
    path("mrp/", mrp.MrpShortageView.as_view(), name="mrp-shortages"),
    path("mrp/run/", mrp.MrpRunRequestView.as_view(), name="mrp-run"),
    path("mrp/suggestions/", mrp.MrpSuggestionView.as_view(), name="mrp-suggestions"),
    path("mrp/suggestions/order/", mrp.MrpOrderView.as_view(), name="mrp-order"),
    path("mrp/parts/<str:sku>/", mrp.MrpPartView.as_view(), name="mrp-part"),
]
