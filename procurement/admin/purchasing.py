"""Purchase orders, receipts and supplier users in the Django admin.

Orders and receipts are read-only here: they change only through their actions (pages and API),
which keep the status rules and record who did what. Supplier users are linked through the service.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from erp.admin import ServiceAdmin
from procurement import services
from procurement.models import PurchaseOrder, PurchaseOrderLine, Receipt, SupplierUser


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PurchaseOrderLineInline(_ReadOnly, admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    fields = [
        "line_number",
        "item",
        "quantity",
        "unit_price",
        "source_offer",
        "requested_date",
        "promised_date",
        "received_qty",
        "accepted_qty",
        "rejected_qty",
    ]
    readonly_fields = fields
    ordering = ["line_number"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "supplier", "status", "order_date", "currency", "sent_at", "confirmed_at", "created_by"]
    list_filter = ["status", "currency", "order_date"]
    search_fields = ["number", "supplier__code", "supplier__name"]
    list_select_related = ["supplier", "created_by"]
    date_hierarchy = "order_date"
    inlines = [PurchaseOrderLineInline]


@admin.register(Receipt)
class ReceiptAdmin(_ReadOnly, admin.ModelAdmin):
    """Receipts are a record of what arrived: readable, never edited."""

    list_display = ["received_on", "line", "received_qty", "accepted_qty", "rejected_qty", "received_by"]
    search_fields = ["line__order__number", "line__item__sku"]
    list_select_related = ["line__order", "received_by"]
    date_hierarchy = "received_on"


@admin.register(SupplierUser)
class SupplierUserAdmin(ServiceAdmin):
    """Makes a user (with no staff role) a supplier's integration user, for its API token."""

    list_display = ["user", "supplier", "created_at"]
    search_fields = ["user__username", "supplier__code", "supplier__name"]
    list_select_related = ["user", "supplier"]
    raw_id_fields = ["user", "supplier"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def save_through_service(self, request, obj, form, change):
        return services.supplier_user_link(
            acting_user=request.user,
            user=obj.user if change else form.cleaned_data["user"],
            supplier=form.cleaned_data["supplier"],
        )
