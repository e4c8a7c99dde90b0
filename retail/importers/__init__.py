"""Retail's Excel datasets, one module per area; importing this package registers them."""

from retail.importers.ledger import PrepaymentDepositDataset  # noqa: F401
import retail.importers.retailers  # noqa: F401
