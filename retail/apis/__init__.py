"""Retail's REST resources, one module per area; re-exported here."""

from retail.apis.allocations import AllocationRunViewSet  # noqa: F401
from retail.apis.ledger import PrepaymentEntryViewSet, RetailerOrderViewSet  # noqa: F401
from retail.apis.retailers import RetailerViewSet  # noqa: F401
