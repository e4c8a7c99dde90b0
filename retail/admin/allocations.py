"""Allocation runs in the Django admin: read-only, with their lines inline.

Runs are made and applied only through the services (pages and API), which check stock, lock the
orders and move the prepayment holds.
"""

from django.contrib import admin

from retail.models import AllocationLine, AllocationRun


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationLineInline(_ReadOnly, admin.TabularInline):
    model = AllocationLine
    extra = 0
    fields = ["retailer", "tier", "order_line", "requested", "weight", "allocated"]
    readonly_fields = fields
    raw_id_fields = ["order_line"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("retailer", "order_line__order", "order_line__item")


@admin.register(AllocationRun)
class AllocationRunAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "pk",
        "item",
        "method",
        "use_tiers",
        "quantity",
        "requested_total",
        "allocated_total",
        "status",
        "created_by",
        "created_at",
        "applied_at",
    ]
    list_filter = ["status", "method", "use_tiers"]
    search_fields = ["item__sku", "item__name"]
    list_select_related = ["item", "created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "item",
        "quantity",
        "method",
        "use_tiers",
        "status",
        "requested_total",
        "allocated_total",
        "created_at",
        "created_by",
        "applied_at",
        "applied_by",
    ]
    fields = readonly_fields
    inlines = [AllocationLineInline]
