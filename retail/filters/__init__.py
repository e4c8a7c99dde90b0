"""Retail's django-filter FilterSets, one module per area, shared by the staff pages and the API."""

from retail.filters.ledger import (  # noqa: F401
    PrepaymentAccountFilter,
    PrepaymentEntryFilter,
    RetailerOrderFilter,
)
from retail.filters.retailers import RetailerFilter  # noqa: F401
from retail.filters.stores import (  # noqa: F401
    SellThroughApiFilter,
    SellThroughFilter,
    StoreApiFilter,
    StoreFilter,
)
