"""Staff pages of retail, mounted at /retail/. Each area keeps its own block."""

from django.urls import path

from retail.views import retailers as retailer_views

urlpatterns: list = [
    # retailers (onboarding, retailer list and detail)
    path("retailers/", retailer_views.RetailerListView.as_view(), name="retailer-list"),
    path("retailers/new/", retailer_views.RetailerCreateView.as_view(), name="retailer-create"),
    path("retailers/<str:code>/", retailer_views.RetailerDetailView.as_view(), name="retailer-detail"),
    path("retailers/<str:code>/edit/", retailer_views.RetailerUpdateView.as_view(), name="retailer-update"),
    path("retailers/<str:code>/status/", retailer_views.RetailerStatusView.as_view(), name="retailer-status"),
    path("retailers/<str:code>/invite/", retailer_views.RetailerInviteView.as_view(), name="retailer-invite"),
    path(
        "retailers/<str:code>/users/<int:user_id>/deactivate/",
        retailer_views.RetailerUserDeactivateView.as_view(),
        name="retailer-user-deactivate",
    ),
    # prepayments (accounts, statements, deposits)
    # retailer orders
    # allocation runs
]
