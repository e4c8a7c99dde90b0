"""Raw master data in the Django admin, with history. Writes go through the services,
so the admin obeys the same rules as the API and the pages."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from erp import selectors, services
from erp.errors import ApplicationError
from erp.models import ApiToken, ApiTokenStatus, Currency, FxRate, ImportRun, Item, Price


class ServiceAdmin(SimpleHistoryAdmin):
    """Saves through a service; the form's ``clean`` runs the same service in a
    rolled-back transaction so a refusal shows as a form error, not a 500."""

    def save_through_service(self, request, obj, form, change):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin.save_through_service(request, self.instance, self, change)
                        transaction.set_rollback(True)
                except ApplicationError as error:
                    for name, messages in error.field_errors.items():
                        for message in messages:
                            self.add_error(name if name in self.fields else None, message)
                    if not error.field_errors:
                        raise forms.ValidationError(error.message) from error
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self.save_through_service(request, obj, form, change)
        # The admin goes on with ``obj`` (change log, redirect): make it the saved row.
        obj.__dict__.update(saved.__dict__)

    def lookup_allowed(self, lookup, value, request=None):
        # URL filters may not run regular expressions of the visitor's choosing against the database.
        if "regex" in lookup:
            return False
        return super().lookup_allowed(lookup, value, request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404("No such history record.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Master data is retired (lifecycle, validity), never deleted: history and references stay whole.
        return False


@admin.register(Item)
class ItemAdmin(ServiceAdmin):
    list_display = [
        "sku",
        "name",
        "kind",
        "family",
        "unit",
        "batch_multiple",
        "case_pack",
        "lifecycle_status",
        "updated_at",
    ]
    list_filter = ["kind", "lifecycle_status", "family", "unit"]
    search_fields = ["sku", "name"]
    ordering = ["sku"]

    def get_readonly_fields(self, request, obj=None):
        return ["sku"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.ITEM_EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            return services.item_update(acting_user=request.user, item=obj, reason="admin", **data)
        return services.item_create(acting_user=request.user, sku=form.cleaned_data["sku"], **data)


@admin.register(Price)
class PriceAdmin(ServiceAdmin):
    list_display = [
        "item",
        "list_price",
        "retailer_price",
        "valid_from",
        "valid_to",
        "note",
    ]
    list_filter = ["valid_from"]
    search_fields = ["item__sku", "item__name"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request, obj=None):
        return ["item"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.PRICE_EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            return services.price_update(acting_user=request.user, price=obj, reason="admin", **data)
        return services.price_create(acting_user=request.user, item=form.cleaned_data["item"], **data)


@admin.register(Currency)
class CurrencyAdmin(ServiceAdmin):
    list_display = ["code", "name", "decimal_places", "is_active"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = {n: form.cleaned_data[n] for n in services.CURRENCY_EDITABLE_FIELDS if n in form.cleaned_data}
        if change:
            return services.currency_update(acting_user=request.user, currency=obj, **data)
        return services.currency_create(
            acting_user=request.user,
            code=form.cleaned_data["code"],
            name=data["name"],
            decimal_places=data["decimal_places"],
        )


@admin.register(FxRate)
class FxRateAdmin(ServiceAdmin):
    list_display = ["date", "currency", "rate", "source"]
    list_filter = ["currency"]
    date_hierarchy = "date"
    list_select_related = ["currency"]

    def get_readonly_fields(self, request, obj=None):
        # A rate belongs to its currency and day; another day is another rate.
        return ["currency", "date"] if obj else []

    def save_through_service(self, request, obj, form, change):
        return services.fx_rate_upsert(
            acting_user=request.user,
            currency=obj.currency if change else form.cleaned_data["currency"],
            date=obj.date if change else form.cleaned_data["date"],
            rate=form.cleaned_data["rate"],
            source=form.cleaned_data.get("source", ""),
        )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Import runs are a record of what happened: readable, never edited."""

    list_display = [
        "created_at",
        "dataset",
        "file_name",
        "created_by",
        "dry_run",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    ]
    list_filter = ["dataset", "status", "dry_run"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiTokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return ApiTokenStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ApiTokenStatus.values:
            return queryset.filter(selectors.api_token_status_q(self.value(), now=timezone.now()))
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Token records, read-only. Tokens are issued on /account/tokens/ or by the API (the plaintext is
    shown once, there, and never stored); the admin can only revoke them, through the service."""

    list_display = [
        "token_key",
        "label",
        "user",
        "scope",
        "created_at",
        "expiry",
        "last_used_at",
        "status_display",
        "revoked_at",
    ]
    list_filter = ["scope", ApiTokenStatusFilter, "created_at"]
    search_fields = ["label", "user__username", "token_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    # The knox token itself (its digest) is never shown: the prefix identifies a token.
    fields = [
        "token_key",
        "label",
        "user",
        "scope",
        "created_by",
        "created_at",
        "expiry",
        "last_used_at",
        "status_display",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke_tokens"]

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.get_status_display()

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for api_token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(acting_user=request.user, api_token=api_token, reason="revoked in the admin")
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's revoke action needs the change permission; one token's page is for reading only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting the record would leave its knox token working; revoke it instead.
        return False
