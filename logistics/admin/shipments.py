"""Shipments in the Django admin: read-only, with lines and events inline and their history.

Shipments move stock, so they are created, advanced and received through the pages and the API,
whose services keep the stock ledger in step.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from logistics.admin.stock import _ReadOnly
from logistics.models import Shipment, ShipmentEvent, ShipmentLine


class ShipmentLineInline(_ReadOnly, admin.TabularInline):
    model = ShipmentLine
    fields = ["item", "quantity", "received_quantity", "damaged_quantity", "discrepancy", "note"]
    readonly_fields = fields
    extra = 0


class ShipmentEventInline(_ReadOnly, admin.TabularInline):
    model = ShipmentEvent
    fields = ["occurred_at", "status", "place", "note", "source", "event_key", "created_by"]
    readonly_fields = fields
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "from_location",
        "to_location",
        "consignee",
        "carrier",
        "tracking_number",
        "reservation_held",
        "shipped_at",
    ]
    list_filter = ["status", "kind", "carrier", "reservation_held"]
    search_fields = ["number", "tracking_number", "reference", "consignee"]
    list_select_related = ["from_location", "to_location"]
    date_hierarchy = "created_at"
    inlines = [ShipmentLineInline, ShipmentEventInline]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("logistics.view_shipment")
