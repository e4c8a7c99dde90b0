"""Staff pages of retail, mounted at /retail/. Each area keeps its own block."""

from django.urls import path  # noqa: F401

urlpatterns: list = [
    # retailers (onboarding, retailer list and detail)
    # prepayments (accounts, statements, deposits)
    # retailer orders
    # allocation runs
]
