"""Stores, their sell-through and point-of-sale users in the Django admin. Stores and POS links save
through the services (a store's location is created with it); sell-through is read-only here: it is
reported through its service (pages, portal, Excel, API), which also moves own stores' stock."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from erp.admin import ServiceAdmin
from logistics.models import LocationKind
from retail import services
from retail.admin.retailers import _ReadOnly
from retail.models import PosUser, Store, StoreSellThrough


class StoreAdminForm(forms.ModelForm):
    """The location's code, name and region are typed here; the service creates the location."""

    code = forms.CharField(max_length=32)
    name = forms.CharField(max_length=200)
    region = forms.CharField(max_length=64, required=False)
    is_active = forms.BooleanField(required=False, initial=True)

    class Meta:
        model = Store
        fields = ["retailer", "cover_days", "replenished_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replenished_from"].queryset = self.fields["replenished_from"].queryset.filter(
            kind=LocationKind.WAREHOUSE
        )
        location = self.instance.location if self.instance.pk else None
        if location is not None:
            self.fields["code"].initial, self.fields["code"].disabled = location.code, True
            self.fields["name"].initial = location.name
            self.fields["region"].initial = location.region
            self.fields["is_active"].initial = location.is_active
            self.fields["retailer"].disabled = True

    def _post_clean(self):
        # The model is validated by the service (its location does not exist before it runs).
        pass


class RunByFilter(admin.SimpleListFilter):
    title = "run by"
    parameter_name = "run_by"

    def lookups(self, request, model_admin):
        return [("own", "Tempo (own store)"), ("retailer", "a retailer")]

    def queryset(self, request, queryset):
        if self.value() in {"own", "retailer"}:
            return queryset.filter(retailer__isnull=self.value() == "own")
        return queryset


@admin.register(Store)
class StoreAdmin(ServiceAdmin):
    form = StoreAdminForm
    list_display = ["location", "retailer", "cover_days", "replenished_from", "updated_at"]
    list_filter = [RunByFilter, "cover_days", "replenished_from"]
    search_fields = ["location__code", "location__name", "location__region", "retailer__code"]
    list_select_related = ["location", "retailer", "replenished_from"]
    fields = ["code", "name", "region", "is_active", "retailer", "cover_days", "replenished_from"]

    def has_delete_permission(self, request, obj=None):
        return False  # a store's stock and sales history refer to it: deactivate it instead

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "name": data["name"],
            "region": data.get("region") or "",
            "is_active": data.get("is_active", False),
            "cover_days": data["cover_days"],
            "replenished_from": data.get("replenished_from"),
        }
        if change:
            return services.store_update(acting_user=request.user, store=obj, reason="admin", **common)
        return services.store_create(
            acting_user=request.user, code=data["code"], retailer=data.get("retailer"), **common
        )


@admin.register(StoreSellThrough)
class StoreSellThroughAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["date", "location", "item", "quantity", "source", "reported_by", "reported_at"]
    list_filter = ["source"]
    search_fields = ["location__code", "item__sku"]
    list_select_related = ["location", "item", "reported_by"]
    date_hierarchy = "date"


@admin.register(PosUser)
class PosUserAdmin(ServiceAdmin):
    """Makes a user (with no staff role) a point-of-sale integration user, for its API token."""

    list_display = ["user", "store", "created_at"]
    search_fields = ["user__username", "store__location__code"]
    list_select_related = ["user", "store__location"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "store":
            kwargs["queryset"] = Store.objects.filter(retailer__isnull=True).select_related("location")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_through_service(self, request, obj, form, change):
        return services.pos_user_link(
            acting_user=request.user,
            user=obj.user if change else form.cleaned_data["user"],
            store=form.cleaned_data.get("store"),
        )
