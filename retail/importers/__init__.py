"""Retail's Excel datasets, one module per area; importing this package registers them."""

import retail.importers.retailers
import retail.importers.stores  # noqa: F401
from retail.importers.ledger import PrepaymentDepositDataset  # noqa: F401
