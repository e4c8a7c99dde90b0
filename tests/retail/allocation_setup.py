"""A small launch for allocation tests: one product in two warehouses, retailers in tiers with confirmed orders."""

from dataclasses import dataclass, field

from retail.models import RetailerTier
from tests.logistics.factories import LocationFactory, give_stock
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product


@dataclass
class Launch:
    product: object
    warehouses: list
    retailers: list
    orders: list = field(default_factory=list)


def launch(
    *, requests=((RetailerTier.KEY, 30), (RetailerTier.STANDARD, 50), (RetailerTier.SMALL, 20)), stock=(40, 30)
) -> Launch:
    """One retailer per (tier, quantity) with one confirmed order; ``stock`` units in WH-A, WH-B, ..."""
    product = priced_product(retailer_price="100.00", list_price="120.00")
    warehouses = []
    for n, qty in enumerate(stock):
        location = LocationFactory(code=f"WH-{chr(ord('A') + n)}")
        give_stock(product, location, qty)
        warehouses.append(location)
    retailers, orders = [], []
    for n, (tier, quantity) in enumerate(requests):
        retailer = RetailerFactory(code=f"R-{n + 1:03d}", tier=tier)
        deposit(retailer, quantity * 100 + 1000)
        orders.append(make_order(retailer, [(product, quantity)], confirm=True))
        retailers.append(retailer)
    return Launch(product, warehouses, retailers, orders)
