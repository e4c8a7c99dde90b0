"""Procurement's raw records in the Django admin. Writes go through the services."""

from django.contrib import admin

from erp.admin import ServiceAdmin
from procurement import services
from procurement.models import ComponentProfile, Supplier, SupplierStatusChange


@admin.register(Supplier)
class SupplierAdmin(ServiceAdmin):
    list_display = ["code", "name", "country", "currency", "payment_terms", "status", "updated_at"]
    list_filter = ["status", "country", "currency", "payment_terms"]
    search_fields = ["code", "name", "contact_name"]
    ordering = ["code"]
    list_select_related = ["currency"]

    def get_readonly_fields(self, request, obj=None):
        # The status changes through its own action (supplier page or API), which records who and why.
        return ["code", "status", "status_reason"] if obj else ["status", "status_reason"]

    def save_through_service(self, request, obj, form, change):
        data = {n: form.cleaned_data[n] for n in services.SUPPLIER_EDITABLE_FIELDS if n in form.cleaned_data}
        if change:
            return services.supplier_update(acting_user=request.user, supplier=obj, reason="admin", **data)
        return services.supplier_create(acting_user=request.user, code=form.cleaned_data["code"], **data)


@admin.register(SupplierStatusChange)
class SupplierStatusChangeAdmin(admin.ModelAdmin):
    """Status changes are a record of what happened: readable, never edited."""

    list_display = ["changed_at", "supplier", "from_status", "to_status", "reason", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["supplier__code", "supplier__name", "reason"]
    list_select_related = ["supplier", "changed_by"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComponentProfile)
class ComponentProfileAdmin(ServiceAdmin):
    list_display = ["item", "category", "customised", "default_lead_time_days", "updated_at"]
    list_filter = ["category", "customised"]
    search_fields = ["item__sku", "item__name"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]

    def get_readonly_fields(self, request, obj=None):
        return ["item"] if obj else []

    def save_through_service(self, request, obj, form, change):
        return services.component_profile_set(
            acting_user=request.user,
            item=obj.item if change else form.cleaned_data["item"],
            category=form.cleaned_data["category"],
            customised=form.cleaned_data.get("customised", False),
            default_lead_time_days=form.cleaned_data["default_lead_time_days"],
        )
