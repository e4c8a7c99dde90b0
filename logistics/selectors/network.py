"""Reads of factories and their weekly capacity."""

from django.db.models import Prefetch, QuerySet, Sum

from erp.errors import ApplicationError
from logistics.models import Factory, FactoryCapacity


def factory_list() -> QuerySet[Factory]:
    """Factories with their capacities (and the capacities' products) loaded: two queries."""
    capacities = FactoryCapacity.objects.select_related("item").order_by("item__sku")
    return Factory.objects.prefetch_related(Prefetch("capacities", queryset=capacities)).order_by("code")


def factory_get(*, code: str) -> Factory:
    factory = factory_list().filter(code=(code or "").strip().upper()).first()
    if factory is None:
        raise ApplicationError(
            f"No factory with the code '{code}'.", {"fields": {"factory": [f"Unknown factory '{code}'."]}}
        )
    return factory


def factory_capacity_list() -> QuerySet[FactoryCapacity]:
    return FactoryCapacity.objects.select_related("factory", "item").order_by("factory__code", "item__sku")


def factory_weekly_capacity(*, item_ids=None) -> dict[int, int]:
    """Weekly capacity per product (item id), summed over the active factories that make it."""
    rows = FactoryCapacity.objects.filter(factory__is_active=True)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    totals = rows.order_by().values("item_id").annotate(total=Sum("weekly_capacity"))
    return dict(totals.values_list("item_id", "total"))
