"""Filters of stores and store sell-through, shared by the staff pages, the API and the Excel exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retail.models import SellThroughSource, Store, StoreSellThrough

RUN_BY = [("own", _("Tempo (own store)")), ("retailer", _("A retailer"))]


def _regions() -> list[tuple[str, str]]:
    from retail.selectors.stores import store_regions

    return [(region, region) for region in store_regions()]


class _RunByMixin:
    def filter_run_by(self, queryset, name, value):
        return queryset.filter(**{f"{self.store_path}retailer__isnull": value == "own"})

    def filter_own(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{self.store_path}retailer__isnull": value})


class StoreFilter(_RunByMixin, django_filters.FilterSet):
    store_path = ""
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    run_by = django_filters.ChoiceFilter(choices=RUN_BY, method="filter_run_by", label=_("Run by"))
    region = django_filters.ChoiceFilter(field_name="location__region", choices=_regions, label=_("Region"))
    retailer = django_filters.CharFilter(field_name="retailer__code", lookup_expr="iexact", label=_("Retailer"))
    warehouse = django_filters.CharFilter(
        field_name="replenished_from__code", lookup_expr="iexact", label=_("Warehouse")
    )
    is_active = django_filters.BooleanFilter(field_name="location__is_active", label=_("Active"))

    class Meta:
        model = Store
        fields = ["q", "run_by", "region", "retailer", "warehouse", "is_active"]

    def filter_q(self, queryset, name, value):
        for term in value.split()[:10]:
            queryset = queryset.filter(
                Q(location__code__icontains=term) | Q(location__name__icontains=term) | Q(retailer__code__iexact=term)
            )
        return queryset


class SellThroughFilter(_RunByMixin, django_filters.FilterSet):
    store_path = "location__store__"
    store = django_filters.CharFilter(field_name="location__code", lookup_expr="iexact", label=_("Store"))
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    source = django_filters.ChoiceFilter(choices=SellThroughSource.choices, label=_("Source"))
    run_by = django_filters.ChoiceFilter(choices=RUN_BY, method="filter_run_by", label=_("Run by"))
    region = django_filters.ChoiceFilter(field_name="location__region", choices=_regions, label=_("Region"))

    class Meta:
        model = StoreSellThrough
        fields = ["store", "sku", "date_after", "date_before", "source", "run_by", "region"]


class StoreApiFilter(StoreFilter):
    """The API also takes ``own=true|false``."""

    own = django_filters.BooleanFilter(method="filter_own", label=_("Own store"))

    class Meta(StoreFilter.Meta):
        fields = [*StoreFilter.Meta.fields, "own"]


class SellThroughApiFilter(SellThroughFilter):
    own = django_filters.BooleanFilter(method="filter_own", label=_("Own store"))

    class Meta(SellThroughFilter.Meta):
        fields = [*SellThroughFilter.Meta.fields, "own"]
