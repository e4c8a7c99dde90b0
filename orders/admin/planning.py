"""Forecasts, demand signals, sales actuals and consumer orders in the Django admin: read-only.

Every write goes through the services (pages, API, Excel), which check the rules, keep the
idempotency of consumer orders and record who changed what.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import (
    ConsumerOrder,
    ConsumerOrderLine,
    DemandSignal,
    ForecastValue,
    ForecastVersion,
    SalesActual,
)


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForecastVersion)
class ForecastVersionAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "name", "is_current", "created_by", "created_at"]
    list_filter = ["is_current"]
    search_fields = ["name", "note"]
    list_select_related = ["created_by"]


@admin.register(ForecastValue)
class ForecastValueAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["version", "item", "week", "quantity", "method", "method_param", "updated_by", "updated_at"]
    list_filter = ["method", "version"]
    search_fields = ["item__sku"]
    list_select_related = ["version", "item", "updated_by"]
    date_hierarchy = "week"


@admin.register(DemandSignal)
class DemandSignalAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["item", "week", "source", "value", "updated_at"]
    list_filter = ["source"]
    search_fields = ["item__sku"]
    list_select_related = ["item"]
    date_hierarchy = "week"


@admin.register(SalesActual)
class SalesActualAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["item", "week", "channel", "quantity", "updated_at"]
    search_fields = ["item__sku", "channel"]
    list_select_related = ["item"]
    date_hierarchy = "week"


class ConsumerOrderLineInline(_ReadOnly, admin.TabularInline):
    model = ConsumerOrderLine
    extra = 0
    fields = ["item", "quantity", "dispatched_quantity"]
    readonly_fields = fields


@admin.register(ConsumerOrder)
class ConsumerOrderAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "channel", "customer_ref", "requested_week", "region", "status", "created_at"]
    list_filter = ["status", "channel", "region"]
    search_fields = ["number", "customer_ref", "idempotency_key"]
    date_hierarchy = "requested_week"
    inlines = [ConsumerOrderLineInline]
