"""Filters of allocation runs, shared by the staff list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retail.models import AllocationMethod, AllocationRun, AllocationRunStatus


class AllocationRunFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    method = django_filters.ChoiceFilter(choices=AllocationMethod.choices, label=_("Method"))
    status = django_filters.ChoiceFilter(choices=AllocationRunStatus.choices, label=_("Status"))
    use_tiers = django_filters.BooleanFilter(label=_("Tiers"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AllocationRun
        fields = ["q", "sku", "method", "status", "use_tiers", "created_after", "created_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        condition = Q(item__sku__icontains=value) | Q(item__name__icontains=value)
        if value.isdigit():
            condition |= Q(pk=int(value))
        return queryset.filter(condition)
