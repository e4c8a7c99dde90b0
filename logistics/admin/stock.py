"""Locations, stock levels, moves and counts in the Django admin.

Locations save through their services. The ledger is read-only here: moves are posted and counts
posted through the pages and the API, which keep the levels and the moves in step.
"""

from django.contrib import admin

from erp.admin import ServiceAdmin
from logistics import services
from logistics.models import Location, StockCount, StockCountLine, StockLevel, StockMove


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind", "region", "factory", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["factory"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.LOCATION_FIELDS if name in form.cleaned_data}
        if change:
            data.pop("code", None)
            return services.location_update(acting_user=request.user, location=obj, **data)
        return services.location_create(acting_user=request.user, **data)


@admin.register(StockLevel)
class StockLevelAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["item", "location", "on_hand", "reserved", "updated_at"]
    list_filter = ["location__kind", "location"]
    search_fields = ["item__sku", "location__code"]
    list_select_related = ["item", "location"]


@admin.register(StockMove)
class StockMoveAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["moved_at", "item", "qty", "from_location", "to_location", "reason", "reference", "created_by"]
    list_filter = ["reason"]
    search_fields = ["item__sku", "reference", "from_location__code", "to_location__code"]
    list_select_related = ["item", "from_location", "to_location", "created_by"]
    date_hierarchy = "moved_at"


class StockCountLineInline(_ReadOnly, admin.TabularInline):
    model = StockCountLine
    extra = 0
    fields = ["item", "counted", "expected"]
    readonly_fields = fields


@admin.register(StockCount)
class StockCountAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "location", "status", "counted_at", "posted_at", "created_by"]
    list_filter = ["status"]
    list_select_related = ["location", "created_by"]
    inlines = [StockCountLineInline]
