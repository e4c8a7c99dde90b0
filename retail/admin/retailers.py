"""Retailers and what hangs off them in the Django admin. Writes of retailers go through the services;
users and notices are read-only here (they have their own pages and services). Stores: ``stores.py``."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from erp.admin import ServiceAdmin
from retail import services
from retail.models import Retailer, RetailerNotice, RetailerUser


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RetailerUserInline(_ReadOnly, admin.TabularInline):
    model = RetailerUser
    fields = ["user", "is_admin", "invited_at", "invited_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Retailer)
class RetailerAdmin(ServiceAdmin):
    list_display = ["code", "legal_name", "region", "tier", "status", "contact_name", "updated_at"]
    list_filter = ["status", "tier", "region"]
    search_fields = ["code", "legal_name", "contact_name", "contact_email"]
    ordering = ["code"]
    inlines = [RetailerUserInline]

    def get_readonly_fields(self, request, obj=None):
        # The status changes through its own action (retailer page or API), which records who and why.
        return ["code", "status"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {n: form.cleaned_data[n] for n in services.RETAILER_EDITABLE_FIELDS if n in form.cleaned_data}
        if change:
            return services.retailer_update(acting_user=request.user, retailer=obj, reason="admin", **data)
        return services.retailer_create(
            acting_user=request.user,
            code=form.cleaned_data["code"],
            status=form.cleaned_data.get("status") or Retailer.Status.ACTIVE,
            reason="admin",
            **data,
        )


@admin.register(RetailerUser)
class RetailerUserAdmin(_ReadOnly, SimpleHistoryAdmin):
    """Invite and deactivate on the retailer's page, where the invitation email is sent."""

    list_display = ["user", "retailer", "is_admin", "invited_at", "invited_by"]
    list_filter = ["is_admin"]
    search_fields = ["user__username", "user__email", "retailer__code", "retailer__legal_name"]
    list_select_related = ["user", "retailer", "invited_by"]


@admin.register(RetailerNotice)
class RetailerNoticeAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "retailer", "kind", "message", "read_at"]
    list_filter = ["kind"]
    search_fields = ["retailer__code", "message"]
    list_select_related = ["retailer"]
    date_hierarchy = "created_at"
