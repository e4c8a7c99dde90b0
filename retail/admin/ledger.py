"""The prepayment ledger and retailer orders in the Django admin: read-only.

Entries are immutable and accounts move only by entries, so the admin can add, change or delete
neither. Orders change status only through the services (pages, API, portal), which hold and
release the prepayment; the admin shows them with their lines, reservations and history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from retail.models import (
    OrderLineReservation,
    OrderLineShipment,
    PrepaymentAccount,
    PrepaymentEntry,
    RetailerOrder,
    RetailerOrderLine,
)


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrepaymentAccount)
class PrepaymentAccountAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["retailer", "balance", "held", "available", "updated_at"]
    search_fields = ["retailer__code", "retailer__legal_name"]
    list_filter = ["retailer__tier"]
    list_select_related = ["retailer"]


@admin.register(PrepaymentEntry)
class PrepaymentEntryAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "account", "kind", "amount", "balance_after", "held_after", "reference", "order"]
    list_filter = ["kind"]
    search_fields = ["account__retailer__code", "reference", "order__number"]
    list_select_related = ["account__retailer", "order", "created_by"]
    date_hierarchy = "created_at"


class RetailerOrderLineInline(_ReadOnly, admin.TabularInline):
    model = RetailerOrderLine
    fields = ["item", "requested_week", "quantity", "unit_price", "allocated_quantity", "shipped_quantity"]
    readonly_fields = fields
    extra = 0


@admin.register(RetailerOrder)
class RetailerOrderAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "retailer", "status", "held_amount", "confirmed_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "retailer__code", "reference"]
    list_select_related = ["retailer"]
    inlines = [RetailerOrderLineInline]


@admin.register(OrderLineReservation)
class OrderLineReservationAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["line", "location", "quantity"]
    list_select_related = ["line__order", "line__item", "location"]
    search_fields = ["line__order__number", "location__code"]


@admin.register(OrderLineShipment)
class OrderLineShipmentAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["line", "shipment", "quantity"]
    list_select_related = ["line__order", "line__item", "shipment"]
    search_fields = ["line__order__number", "shipment__number"]
