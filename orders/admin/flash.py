"""Flash sales in the Django admin: read-only, with their counter rows and history.

Sales create, end and follow them on their own pages (live counter) and through the API; those go
through the services, which keep the stock on the counter rows and record who did what.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.admin.planning import _ReadOnly
from orders.models import FlashSale, FlashSaleCounter, FlashSaleOrder


class FlashSaleCounterInline(_ReadOnly, admin.TabularInline):
    model = FlashSaleCounter
    extra = 0
    fields = ["shard", "initial", "remaining", "taken"]
    readonly_fields = fields


@admin.register(FlashSale)
class FlashSaleAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "item",
        "quantity",
        "starts_at",
        "ends_at",
        "per_customer_limit",
        "payment_minutes",
        "channel",
    ]
    list_filter = ["channel"]
    search_fields = ["code", "name", "item__sku"]
    date_hierarchy = "starts_at"
    list_select_related = ["item"]
    inlines = [FlashSaleCounterInline]


@admin.register(FlashSaleOrder)
class FlashSaleOrderAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "sale", "customer_ref", "status", "created_at", "paid_at", "consumer_order"]
    list_filter = ["status"]
    search_fields = ["number", "customer_ref", "idempotency_key", "sale__code"]
    list_select_related = ["sale", "consumer_order"]
    raw_id_fields = ["sale", "consumer_order"]
