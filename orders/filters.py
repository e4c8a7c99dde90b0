import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from logistics.selectors import warehouse_list
from orders.forms import IsoWeekField
from orders.models import (
    ConsumerChannel,
    ConsumerOrder,
    ConsumerOrderStatus,
    DemandSignal,
    DispatchLine,
    DispatchOrderKind,
    DispatchRun,
    DispatchTrigger,
    FlashSale,
    FlashSaleChannel,
    FlashSaleOrder,
    FlashSaleOrderStatus,
    SalesActual,
    SignalSource,
)


class IsoWeekFilter(django_filters.Filter):
    """``?week=2026-W48``: the rows of that ISO week (stored as its Monday)."""

    field_class = IsoWeekField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value.monday})


class ConsumerOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ConsumerOrderStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=ConsumerChannel.choices, label=_("Channel"))
    week = IsoWeekFilter(field_name="requested_week", label=_("Requested week"))
    sku = django_filters.CharFilter(method="filter_sku", label=_("SKU"))
    region = django_filters.CharFilter(lookup_expr="iexact", label=_("Region"))

    class Meta:
        model = ConsumerOrder
        fields = ["q", "status", "channel", "week", "sku", "region"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(customer_ref__icontains=value))

    def filter_sku(self, queryset, name, value):
        return queryset.filter(lines__item__sku=value.strip().upper()).distinct()


class DemandSignalFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    source = django_filters.ChoiceFilter(choices=SignalSource.choices, label=_("Source"))

    class Meta:
        model = DemandSignal
        fields = ["sku", "week", "source"]


class SalesActualFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    channel = django_filters.CharFilter(lookup_expr="iexact", label=_("Channel"))

    class Meta:
        model = SalesActual
        fields = ["sku", "week", "channel"]


class DispatchRunFilter(django_filters.FilterSet):
    """Dispatch runs: by warehouse (code), trigger, day, product and the received shipment's number."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    warehouse = django_filters.ModelChoiceFilter(queryset=warehouse_list(), to_field_name="code", label=_("Warehouse"))
    trigger = django_filters.ChoiceFilter(choices=DispatchTrigger.choices, label=_("Trigger"))
    sku = django_filters.CharFilter(method="filter_sku", label=_("SKU"))
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("From"))
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = DispatchRun
        fields = ["q", "warehouse", "trigger", "sku", "started_after", "started_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        condition = Q(trigger_shipment__number__icontains=value) | Q(lines__order_number__icontains=value)
        if value.isdigit():
            condition |= Q(pk=int(value))
        return queryset.filter(pk__in=queryset.filter(condition).values("pk"))

    def filter_sku(self, queryset, name, value):
        return queryset.filter(pk__in=DispatchLine.objects.filter(item__sku=value.strip().upper()).values("run_id"))


class WaitingDemandFilterForm(forms.Form):
    """Filters of the waiting demand (both kinds of order, so a form rather than one model's FilterSet);
    shared by the page and ``GET /api/v1/dispatch/waiting/``."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    warehouse = forms.ModelChoiceField(
        queryset=warehouse_list(), to_field_name="code", required=False, label=_("Served by warehouse")
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=64)
    sku = forms.CharField(label=_("SKU"), required=False, max_length=64)
    kind = forms.ChoiceField(choices=[("", "---------"), *DispatchOrderKind.choices], required=False, label=_("Kind"))

    def selection(self) -> dict:
        """The filters as keyword arguments of ``orders.selectors.waiting_demand`` (call after is_valid)."""
        data = self.cleaned_data
        region = data.get("region", "").strip()
        return {
            "q": data.get("q", "").strip(),
            "warehouse": data.get("warehouse"),
            "region": region or None,
            "sku": data.get("sku", "").strip(),
            "kind": data.get("kind", ""),
        }


FLASH_PHASES = [("scheduled", _("Scheduled")), ("live", _("Live")), ("ended", _("Ended"))]


class FlashSaleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    channel = django_filters.ChoiceFilter(choices=FlashSaleChannel.choices, label=_("Channel"))
    phase = django_filters.ChoiceFilter(choices=FLASH_PHASES, method="filter_phase", label=_("Phase"))

    class Meta:
        model = FlashSale
        fields = ["q", "sku", "channel", "phase"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(item__sku__icontains=value))

    def filter_phase(self, queryset, name, value):
        from django.utils import timezone

        now = timezone.now()
        if value == "scheduled":
            return queryset.filter(starts_at__gt=now)
        if value == "ended":
            return queryset.filter(ends_at__lte=now)
        return queryset.filter(starts_at__lte=now, ends_at__gt=now)


class FlashSaleOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=FlashSaleOrderStatus.choices, label=_("Status"))

    class Meta:
        model = FlashSaleOrder
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(customer_ref__icontains=value))
