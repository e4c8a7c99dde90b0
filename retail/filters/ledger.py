"""Filters of prepayment accounts, prepayment entries and retailer orders (pages and API)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from erp.errors import ApplicationError
from erp.weeks import BUSINESS_TZ, IsoWeek
from retail.models import (
    PrepaymentAccount,
    PrepaymentEntry,
    PrepaymentEntryKind,
    RetailerOrder,
    RetailerOrderLine,
    RetailerOrderStatus,
    RetailerTier,
)


class IsoWeekFormField(forms.Field):
    """An ISO week key such as 2026-W48, cleaned to an ``IsoWeek``."""

    widget = forms.TextInput(attrs={"placeholder": "2026-W48", "size": 9})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return IsoWeek.parse(str(value)[:20])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2026-W48"})
class IsoWeekFilter(django_filters.Filter):
    field_class = IsoWeekFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value.monday})


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)


class PrepaymentAccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    tier = django_filters.ChoiceFilter(field_name="retailer__tier", choices=RetailerTier.choices, label=_("Tier"))
    region = django_filters.CharFilter(field_name="retailer__region", lookup_expr="iexact", label=_("Region"))
    held = django_filters.ChoiceFilter(
        method="filter_held", choices=[("yes", _("Some held")), ("no", _("Nothing held"))], label=_("Money held")
    )

    class Meta:
        model = PrepaymentAccount
        fields = ["q", "tier", "region", "held"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(Q(retailer__code__icontains=value) | Q(retailer__legal_name__icontains=value))

    def filter_held(self, queryset, name, value):
        return queryset.filter(held_cents__gt=0) if value == "yes" else queryset.filter(held_cents=0)


class PrepaymentEntryFilter(django_filters.FilterSet):
    """``?retailer=R-001&kind=deposit&start=2026-11-01&end=2026-11-30&order=RO-2026-000001``; days in Shanghai time."""

    retailer = django_filters.CharFilter(
        field_name="account__retailer__code", lookup_expr="iexact", label=_("Retailer")
    )
    kind = django_filters.ChoiceFilter(choices=PrepaymentEntryKind.choices, label=_("Kind"))
    start = django_filters.DateFilter(method="filter_start", label=_("From"))
    end = django_filters.DateFilter(method="filter_end", label=_("To"))
    order = django_filters.CharFilter(field_name="order__number", lookup_expr="iexact", label=_("Order"))
    reference = django_filters.CharFilter(lookup_expr="icontains", label=_("Reference"))

    class Meta:
        model = PrepaymentEntry
        fields = ["retailer", "kind", "start", "end", "order", "reference"]

    def filter_start(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))


class RetailerOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=RetailerOrderStatus.choices, label=_("Status"))
    retailer = django_filters.CharFilter(field_name="retailer__code", lookup_expr="iexact", label=_("Retailer"))
    sku = django_filters.CharFilter(method="filter_sku", label=_("SKU"))
    week = IsoWeekFilter(method="filter_week", label=_("Requested week"))

    class Meta:
        model = RetailerOrder
        fields = ["q", "status", "retailer", "sku", "week"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(Q(number__icontains=value) | Q(reference__icontains=value))

    # Line filters use EXISTS, not a join, so an order's summed amount is not multiplied by its lines.
    def filter_sku(self, queryset, name, value):
        lines = RetailerOrderLine.objects.filter(order=OuterRef("pk"), item__sku=value.strip().upper())
        return queryset.filter(Exists(lines))

    @extend_schema_field({"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2026-W48"})
    def filter_week(self, queryset, name, value):
        if value is None:
            return queryset
        lines = RetailerOrderLine.objects.filter(order=OuterRef("pk"), requested_week=value.monday)
        return queryset.filter(Exists(lines))
