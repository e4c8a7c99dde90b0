"""Procurement's raw records in the Django admin. Writes go through the services."""

from django import forms
from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from erp.admin import ServiceAdmin
from erp.errors import ApplicationError
from procurement import services
from procurement.models import (
    MAX_PRICE_BREAKS,
    ComponentProfile,
    PriceBreak,
    Supplier,
    SupplierOffer,
    SupplierStatusChange,
)


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


def _breaks_of(formset) -> list[tuple]:
    rows = [
        (form.cleaned_data["min_qty"], form.cleaned_data["unit_price"])
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("min_qty") is not None
    ]
    return sorted(rows, key=lambda row: row[0])


def _offer_save(request, offer: SupplierOffer, breaks: list[tuple], change: bool) -> SupplierOffer:
    fields = {name: getattr(offer, name) for name in services.OFFER_EDITABLE_FIELDS}
    if change:
        stored = SupplierOffer.objects.get(pk=offer.pk)
        return services.supplier_offer_update(
            acting_user=request.user, offer=stored, breaks=breaks, reason="admin", **fields
        )
    return services.supplier_offer_create(
        acting_user=request.user, supplier=offer.supplier, item=offer.item, breaks=breaks, **fields
    )


class PriceBreakFormSet(forms.BaseInlineFormSet):
    """Runs the offer's service, rolled back, so that a refusal shows as an error here rather than a 500."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        offer = self.instance
        if not (offer.supplier_id and offer.item_id and offer.currency_id and offer.valid_from):
            return  # the offer's own form has errors to show
        try:
            with transaction.atomic():
                _offer_save(self.request, offer, _breaks_of(self), change=offer.pk is not None)
                transaction.set_rollback(True)
        except ApplicationError as error:
            texts = [text for texts in error.field_errors.values() for text in texts] or [error.message]
            raise forms.ValidationError([error.message, *texts] if error.field_errors else texts) from error


class PriceBreakInline(admin.TabularInline):
    model = PriceBreak
    formset = PriceBreakFormSet
    extra = 3
    max_num = MAX_PRICE_BREAKS

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        formset_class.request = request
        return formset_class


@admin.register(SupplierOffer)
class SupplierOfferAdmin(SimpleHistoryAdmin):
    """Offers and their price breaks, saved through the services."""

    list_display = ["supplier", "item", "currency", "moq", "order_multiple", "lead_time_days", "valid_from", "valid_to"]
    list_filter = ["currency", "valid_from"]
    search_fields = ["supplier__code", "supplier__name", "item__sku", "item__name"]
    list_select_related = ["supplier", "item", "currency"]
    raw_id_fields = ["supplier", "item"]
    inlines = [PriceBreakInline]

    def get_readonly_fields(self, request, obj=None):
        return ["supplier", "item"] if obj else []

    def save_model(self, request, obj, form, change):
        pass  # saved with its breaks in save_related, through the service

    def save_related(self, request, form, formsets, change):
        breaks = next((_breaks_of(formset) for formset in formsets if formset.model is PriceBreak), [])
        saved = _offer_save(request, form.instance, breaks, change)
        form.instance.__dict__.update(saved.__dict__)
        for formset in formsets:  # nothing saved through the formsets: tell the admin's change message so
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
