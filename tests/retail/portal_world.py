"""Two retailers with users, money, orders, stores, notices and an applied allocation, for portal tests."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from erp.weeks import IsoWeek
from logistics.models import LocationKind
from retail.models import (
    AllocationLine,
    AllocationRun,
    RetailerNotice,
    RetailerOrder,
    RetailerOrderLine,
    Store,
)
from tests.logistics.factories import LocationFactory
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product, retailer_user_for


@dataclass
class Side:
    retailer: Any
    admin: Any
    user: Any
    store: Any
    confirmed: RetailerOrder
    draft: RetailerOrder
    notice: RetailerNotice


def _side(code: str, product, store_code: str) -> Side:
    retailer = RetailerFactory(code=code)
    admin = retailer_user_for(retailer, is_admin=True, username=f"{code.lower()}-admin")
    user = retailer_user_for(retailer, username=f"{code.lower()}-user")
    deposit(retailer, "100000.00")
    store = Store.objects.create(
        retailer=retailer, location=LocationFactory(code=store_code, name=f"{code} flagship", kind=LocationKind.STORE)
    )
    confirmed = make_order(retailer, [(product, 10)], confirm=True)
    draft = make_order(retailer, [(product, 2)], week=IsoWeek.current() + 2)
    notice = RetailerNotice.objects.create(
        retailer=retailer, kind=RetailerNotice.Kind.ALLOCATION, message=f"{code}: 8 of 10 allocated"
    )
    return Side(retailer, admin, user, store, confirmed, draft, notice)


def build_world():
    product = priced_product(retailer_price="2000.00")
    a = _side("R-ALPHA", product, "ST-ALPHA-1")
    b = _side("R-BRAVO", product, "ST-BRAVO-1")
    # An applied allocation touching B's confirmed order (A must never see it).
    run = AllocationRun.objects.create(
        item=product,
        quantity=8,
        method=AllocationRun.Method.PRO_RATA,
        status=AllocationRun.Status.APPLIED,
        applied_at=timezone.now() - timedelta(minutes=1),
        requested_total=10,
        allocated_total=8,
    )
    line = RetailerOrderLine.objects.get(order=b.confirmed)
    AllocationLine.objects.create(
        run=run, order_line=line, retailer=b.retailer, tier=2, requested=10, weight=10, allocated=8
    )
    return product, a, b
