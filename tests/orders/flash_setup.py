"""A flash sale ready to take orders, for the flash-sale tests."""

from datetime import timedelta

from django.utils import timezone

from orders.services.flash import flash_sale_create
from tests.erp.factories import ProductFactory


def live_sale(*, quantity: int = 10, limit: int = 1, shards: int = 1, acting_user=None, **extra):
    now = timezone.now()
    return flash_sale_create(
        acting_user=acting_user,
        item=extra.pop("item", None) or ProductFactory(),
        name=extra.pop("name", "Test flash sale"),
        quantity=quantity,
        starts_at=extra.pop("starts_at", now - timedelta(minutes=5)),
        ends_at=extra.pop("ends_at", now + timedelta(hours=1)),
        per_customer_limit=limit,
        counter_shards=shards,
        **extra,
    )
