"""Factories, capacity, schedule versions and factory users in the Django admin.

Factories and capacities save through their services; schedule versions and lines are read-only
here (they change on the schedule pages, the API and Excel, which check capacity and the draft
status); factory users are linked through the service.
"""

from django.contrib import admin

from erp.admin import ServiceAdmin
from logistics import services
from logistics.models import (
    Factory,
    FactoryCapacity,
    FactoryOrderSheet,
    FactoryUser,
    ProductionActual,
    ScheduleLine,
    ScheduleVersion,
)


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FactoryCapacityInline(_ReadOnly, admin.TabularInline):
    model = FactoryCapacity
    extra = 0
    fields = ["item", "weekly_capacity"]
    readonly_fields = fields


@admin.register(Factory)
class FactoryAdmin(ServiceAdmin):
    list_display = ["code", "name", "country", "working_days", "is_active"]
    list_filter = ["is_active", "country"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "country", "working_days", "is_active"]
    inlines = [FactoryCapacityInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("name", "country", "working_days", "is_active")}
        if change:
            return services.factory_update(acting_user=request.user, factory=Factory.objects.get(pk=obj.pk), **data)
        return services.factory_create(acting_user=request.user, code=form.cleaned_data["code"], **data)


@admin.register(FactoryCapacity)
class FactoryCapacityAdmin(ServiceAdmin):
    list_display = ["factory", "item", "weekly_capacity"]
    list_filter = ["factory"]
    search_fields = ["factory__code", "item__sku"]
    list_select_related = ["factory", "item"]
    raw_id_fields = ["item"]

    def get_readonly_fields(self, request, obj=None):
        return ["factory", "item"] if obj else []

    def save_through_service(self, request, obj, form, change):
        return services.factory_capacity_set(
            acting_user=request.user,
            factory=obj.factory if change else form.cleaned_data["factory"],
            item=obj.item if change else form.cleaned_data["item"],
            weekly_capacity=form.cleaned_data["weekly_capacity"],
        )


class ScheduleLineInline(_ReadOnly, admin.TabularInline):
    model = ScheduleLine
    extra = 0
    fields = ["factory", "item", "week", "quantity"]
    readonly_fields = fields
    ordering = ["item__sku", "factory__code", "week"]


@admin.register(ScheduleVersion)
class ScheduleVersionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["number", "status", "based_on", "created_by", "created_at", "locked_by", "locked_at", "lock_reason"]
    list_filter = ["status"]
    list_select_related = ["based_on", "created_by", "locked_by"]


@admin.register(ScheduleLine)
class ScheduleLineAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["version", "factory", "item", "week", "quantity"]
    list_filter = ["version__status", "factory"]
    search_fields = ["item__sku", "factory__code"]
    list_select_related = ["version", "factory", "item"]


@admin.register(FactoryOrderSheet)
class FactoryOrderSheetAdmin(_ReadOnly, admin.ModelAdmin):
    """Issued when a meeting locks its week; the workbook itself is built from the locked version."""

    list_display = ["week", "factory", "version", "lines", "units", "issued_by", "issued_at", "first_downloaded_at"]
    list_filter = ["factory", "week"]
    search_fields = ["factory__code"]
    list_select_related = ["factory", "version", "issued_by"]


@admin.register(ProductionActual)
class ProductionActualAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["date", "factory", "item", "quantity", "posted_by", "updated_at"]
    list_filter = ["factory"]
    search_fields = ["item__sku", "factory__code"]
    list_select_related = ["factory", "item", "posted_by"]
    date_hierarchy = "date"


@admin.register(FactoryUser)
class FactoryUserAdmin(ServiceAdmin):
    """Makes a user (with no staff role) a factory's integration user, for its API token."""

    list_display = ["user", "factory", "created_at"]
    search_fields = ["user__username", "factory__code", "factory__name"]
    list_select_related = ["user", "factory"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def save_through_service(self, request, obj, form, change):
        return services.factory_user_link(
            acting_user=request.user,
            user=obj.user if change else form.cleaned_data["user"],
            factory=form.cleaned_data["factory"],
        )
