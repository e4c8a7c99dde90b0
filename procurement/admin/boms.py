"""BOM lines and cost rates in the Django admin. Writes go through the services, so a line that
would loop or overlap another is refused with a form error, as on the API."""

from datetime import date

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.admin import ServiceAdmin
from erp.errors import ApplicationError
from procurement import services
from procurement.models import BomLine, CostRates
from procurement.services.boms import BOM_EDITABLE_FIELDS


class InForceFilter(admin.SimpleListFilter):
    title = _("in force today")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = date.today()
        in_force = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.register(BomLine)
class BomLineAdmin(ServiceAdmin):
    list_display = ["parent", "child", "qty_per", "scrap_pct", "valid_from", "valid_to", "note"]
    list_filter = [InForceFilter, "parent__kind", "child__kind", "valid_from"]
    search_fields = ["parent__sku", "parent__name", "child__sku", "child__name"]
    list_select_related = ["parent", "child"]
    autocomplete_fields = ["parent", "child"]
    ordering = ["parent__sku", "child__sku", "-valid_from"]

    def get_readonly_fields(self, request, obj=None):
        # A line's items never change: end it and add another.
        return ["parent", "child"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {n: form.cleaned_data[n] for n in BOM_EDITABLE_FIELDS if n in form.cleaned_data}
        if data.get("scrap_pct") is None:
            data.pop("scrap_pct", None)
        if change:
            return services.bom_line_update(acting_user=request.user, line=obj, reason="admin", **data)
        return services.bom_line_create(
            acting_user=request.user, parent=form.cleaned_data["parent"], child=form.cleaned_data["child"], **data
        )

    def has_delete_permission(self, request, obj=None):
        # Unlike other master data, a line entered by mistake may be deleted; the history keeps it.
        return super(ServiceAdmin, self).has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.bom_line_delete(acting_user=request.user, line=obj, reason="admin")

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for line in queryset:
            services.bom_line_delete(acting_user=request.user, line=line, reason="admin")


@admin.register(CostRates)
class CostRatesAdmin(ServiceAdmin):
    list_display = ["item", "conversion_cost", "logistics_cost", "note", "updated_at"]
    list_filter = ["item__kind"]
    search_fields = ["item__sku", "item__name"]
    list_select_related = ["item"]
    autocomplete_fields = ["item"]
    ordering = ["item__sku"]

    def get_readonly_fields(self, request, obj=None):
        return ["item"] if obj else []

    def save_through_service(self, request, obj, form, change):
        try:
            return services.cost_rates_set(
                acting_user=request.user,
                item=obj.item if change else form.cleaned_data["item"],
                conversion_cost=form.cleaned_data["conversion_cost"],
                logistics_cost=form.cleaned_data["logistics_cost"],
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as error:
            # The service names the item "sku"; the form calls it "item".
            fields = dict(error.field_errors)
            if "sku" in fields:
                fields["item"] = [error.message]
                del fields["sku"]
            raise ApplicationError(error.message, {**error.extra, "fields": fields}) from error
