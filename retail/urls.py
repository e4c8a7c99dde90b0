"""Staff pages of retail, mounted at /retail/. Each area keeps its own block."""

from django.urls import path

from retail.views import allocations

urlpatterns: list = [
    # retailers (onboarding, retailer list and detail)
    # prepayments (accounts, statements, deposits)
    # retailer orders
    # allocation runs
    path("allocations/", allocations.AllocationRunListView.as_view(), name="allocation-run-list"),
    path("allocations/new/", allocations.AllocationRunCreateView.as_view(), name="allocation-run-create"),
    path("allocations/<int:pk>/", allocations.AllocationRunDetailView.as_view(), name="allocation-run-detail"),
    path("allocations/<int:pk>/apply/", allocations.AllocationRunApplyView.as_view(), name="allocation-run-apply"),
]
