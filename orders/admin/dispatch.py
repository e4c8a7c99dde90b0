"""Dispatch runs in the Django admin: read-only (runs are records of what a dispatch did)."""

from django.contrib import admin

from orders.admin.planning import _ReadOnly
from orders.models import DispatchLine, DispatchRun


class DispatchLineInline(_ReadOnly, admin.TabularInline):
    model = DispatchLine
    extra = 0
    fields = [
        "order_kind",
        "order_number",
        "consignee",
        "item",
        "waiting_since",
        "quantity",
        "from_reservation",
        "waiting_after",
        "shipment",
    ]
    readonly_fields = fields


@admin.register(DispatchRun)
class DispatchRunAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "pk",
        "started_at",
        "warehouse",
        "trigger",
        "trigger_shipment",
        "shipments_created",
        "units_dispatched",
        "units_waiting",
        "duration_ms",
    ]
    list_filter = ["trigger", "warehouse"]
    search_fields = ["trigger_shipment__number", "skus", "lines__order_number"]
    list_select_related = ["warehouse", "trigger_shipment"]
    date_hierarchy = "started_at"
    inlines = [DispatchLineInline]
