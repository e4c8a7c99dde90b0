"""Flash sales for ``seed_demo``: one that sold out last week (some orders paid, one cancelled) and one
that opens tomorrow evening. Idempotent: nothing happens once a demo flash sale exists."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from erp.models import Item
from orders.models import FlashSale, FlashSaleOrder
from orders.services.flash import (
    flash_sale_create,
    flash_sale_order_cancel,
    flash_sale_order_pay,
    flash_sale_order_take,
)

SKU = "TP-X1-128"
PAST_UNITS = 40


def seed_flash_sales(*, scale: str) -> str:
    """A past sale of 40 units sold out to 40 customers (30 paid, 1 cancelled and taken again) and a coming one."""
    item = Item.objects.filter(sku=SKU).first()
    sales = get_user_model().objects.filter(username="sales").first()
    shop = get_user_model().objects.filter(username="shop").first()
    if item is None or sales is None or FlashSale.objects.filter(name__startswith="Demo ").exists():
        return ""
    now = timezone.now()
    past = flash_sale_create(
        acting_user=sales,
        item=item,
        name="Demo 11.11 X1 flash sale",
        quantity=PAST_UNITS,
        starts_at=now - timedelta(days=7, minutes=15),
        ends_at=now - timedelta(days=6),
        per_customer_limit=1,
        counter_shards=4,
    )
    during = past.starts_at + timedelta(minutes=1)
    for n in range(PAST_UNITS):
        flash_sale_order_take(
            acting_user=shop, sale=past, customer_ref=f"web-{n + 1:04d}", idempotency_key=f"demo-{n}", now=during
        )
    orders = list(FlashSaleOrder.objects.filter(sale=past).order_by("number"))
    flash_sale_order_cancel(acting_user=sales, order=orders[-1])
    flash_sale_order_take(acting_user=shop, sale=past, customer_ref="web-0041", idempotency_key="demo-late", now=during)
    for order in orders[:30]:
        flash_sale_order_pay(acting_user=shop, order=order)
    coming = flash_sale_create(
        acting_user=sales,
        item=item,
        name="Demo Double 12 X1 flash sale",
        quantity=5_000,
        starts_at=(now + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0),
        ends_at=(now + timedelta(days=1)).replace(hour=13, minute=0, second=0, microsecond=0),
        per_customer_limit=2,
        counter_shards=8,
        payment_minutes=30,
    )
    return f"2 flash sales ({past.code} sold out, {coming.code} tomorrow)"
