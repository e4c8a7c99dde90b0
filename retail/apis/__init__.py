"""Retail's REST resources, one module per area."""

from retail.apis.ledger import PrepaymentEntryViewSet, RetailerOrderViewSet  # noqa: F401

from retail.apis.retailers import RetailerViewSet  # noqa: F401
