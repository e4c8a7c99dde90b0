"""Excel datasets of procurement: suppliers and component profiles.

Imports write in bulk, past the services. A supplier's status is therefore set by
Excel only when the supplier is new (its first status change is recorded then);
an existing supplier's status changes on its page or through the API, which record
who changed it and why.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.excel.bulk import insert_history
from erp.excel.columns import BooleanColumn, ChoiceColumn, IntegerColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.models import CURRENCY_PATTERN, SKU_PATTERN, Currency, Item
from procurement.filters import ComponentProfileFilter, SupplierFilter
from procurement.models import (
    BASE_CURRENCY,
    COUNTRY_PATTERN,
    MAX_LEAD_TIME_DAYS,
    ComponentProfile,
    Supplier,
    SupplierStatus,
    SupplierStatusChange,
)

CODE_HINT = "upper-case letters, digits, '.', '_' or '-'"
STATUS_ON_PAGE = "change the status of an existing supplier on the supplier page"


class SupplierDataset(Dataset):
    name = "suppliers"
    title = _("Suppliers")
    model = Supplier
    key = ("code",)
    filterset_class = SupplierFilter
    search_fields = ("code", "name")
    export_ordering = ("code",)
    columns = [
        TextColumn(
            "code",
            required=True,
            max_length=32,
            pattern=SKU_PATTERN,
            pattern_hint=CODE_HINT,
            upper=True,
            example="SUP-001",
            note="The supplier's permanent code.",
            width=14,
        ),
        TextColumn("name", required=True, max_length=200, example="Shenzhen Precision Parts Co.", width=32),
        TextColumn(
            "country",
            required=True,
            max_length=2,
            upper=True,
            pattern=COUNTRY_PATTERN,
            pattern_hint="a two-letter code such as CN",
            example="CN",
            width=8,
        ),
        KeyColumn(
            "currency",
            max_length=3,
            upper=True,
            pattern=CURRENCY_PATTERN,
            pattern_hint="a three-letter code such as USD",
            field="currency_id",
            refers_to="currency",
            default=BASE_CURRENCY,
            example="CNY",
            width=10,
        ),
        TextColumn("contact_name", max_length=100, example="Li Na", width=18),
        TextColumn("contact_email", max_length=254, example="sales@example.com", width=24),
        TextColumn("contact_phone", max_length=40, example="+86 755 0000 0000", width=18),
        ChoiceColumn("payment_terms", choices=Supplier.Terms.choices, default=Supplier.Terms.NET60, example="net60"),
        ChoiceColumn(
            "status",
            choices=Supplier.Status.choices,
            default=SupplierStatus.ACTIVE,
            example="active",
            note="Only for new suppliers; change an existing supplier's status on its page.",
        ),
        TextColumn(
            "status_reason",
            max_length=500,
            example="",
            note="Required when the status is on_hold or blocked.",
            width=30,
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        known = set(Currency.objects.values_list("code", flat=True))
        for row in rows:
            code = row.values["currency_id"]
            if code not in known:
                row.error("currency", f"'{code}' is not a currency Tempo knows")

    def check(self, rows: list[Row], context: dict) -> None:
        for row in rows:
            existing = row.existing
            if existing is not None:
                for attr in ("status", "status_reason"):
                    if attr in row.values and row.values[attr] != getattr(existing, attr):
                        row.error(attr, STATUS_ON_PAGE)
            status = self.value(row, "status")
            if status != SupplierStatus.ACTIVE and not self.value(row, "status_reason"):
                row.error("status_reason", f"is required when the status is {status}")
            email = row.values.get("contact_email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    row.error("contact_email", f"'{email}' is not an e-mail address")

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        super().write(creates, updates, fields, acting_user)
        # A new supplier that starts on hold or blocked: record that first change, as the service would.
        user = acting_user if getattr(acting_user, "is_authenticated", False) else None
        SupplierStatusChange.objects.bulk_create(
            SupplierStatusChange(
                supplier_id=values["id"],
                from_status=SupplierStatus.ACTIVE,
                to_status=values["status"],
                reason=values["status_reason"],
                changed_by=user,
            )
            for values in creates
            if values["status"] != SupplierStatus.ACTIVE
        )


class ComponentProfileDataset(Dataset):
    name = "component-profiles"
    title = _("Component profiles")
    model = ComponentProfile
    key = ("sku",)
    filterset_class = ComponentProfileFilter
    search_fields = ("item__sku", "item__name")
    export_ordering = ("item__sku",)
    columns = [
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="component or assembly",
            source="item__sku",
            example="CP-SCREW-M14",
            width=16,
        ),
        ChoiceColumn("category", required=True, choices=ComponentProfile.Category.choices, example="screw", width=12),
        BooleanColumn("customised", example=False, note="Made to Tempo's design."),
        IntegerColumn(
            "default_lead_time_days",
            min_value=0,
            max_value=MAX_LEAD_TIME_DAYS,
            default=0,
            example=14,
            note="Days from order to receipt.",
        ),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        skus = {row.values["item_id"] for row in rows}
        found = {
            sku: (pk, kind) for sku, pk, kind in Item.objects.filter(sku__in=skus).values_list("sku", "pk", "kind")
        }
        for row in rows:
            sku = row.values["item_id"]
            if sku not in found:
                row.error("sku", f"no item has the SKU '{sku}'")
            elif found[sku][1] == Item.Kind.PRODUCT:
                row.error("sku", f"{sku} is a product; only components and assemblies have a profile")
            else:
                row.values["item_id"] = found[sku][0]

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # The item is the primary key, which the engine's bulk insert leaves to the database: insert here.
        if creates:
            now = timezone.now()
            for values in creates:
                values.update(created_at=now, updated_at=now)
            ComponentProfile.objects.bulk_create([ComponentProfile(**values) for values in creates])
            insert_history(ComponentProfile, creates, kind="+", user=acting_user, reason=f"excel import: {self.name}")
        super().write([], updates, fields, acting_user)


for _dataset in (SupplierDataset(), ComponentProfileDataset()):
    dataset_register(_dataset)
