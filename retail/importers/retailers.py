"""Excel dataset ``retailers``: bulk onboarding of retailers, their prepayment accounts and their users.

One row is one retailer (key ``code``) with up to two users to invite (``user_email``/``user_name``/
``user_is_admin`` and ``user2_*``). The whole file is checked before anything is written: bad codes,
tiers, statuses and emails, codes and user emails repeated in the file, user emails that already have a
user, users for a closed retailer, and a code that belongs to another company (a stored retailer is only
updated by a row with its own legal name). Then, all or nothing: retailers are written in bulk with
their history (reason ``excel import: retailers``, the uploader as user), each new retailer gets its
prepayment account, and the users are created in bulk through ``retailer_users_create``, whose
invitation emails go out by a task after the commit (never for a dry run or a refused file).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.errors import ApplicationError
from erp.excel.bulk import insert_rows
from erp.excel.columns import BooleanColumn, CellError, ChoiceColumn, IntegerColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.models import SKU_PATTERN
from retail.filters import RetailerFilter
from retail.models import PrepaymentAccount, Retailer, RetailerStatus, RetailerUser
from retail.services.retailers import email_check, retailer_users_create

# (email, name, is_admin) column triples; each row may invite up to two users.
USER_COLUMNS = (("user_email", "user_name", "user_is_admin"), ("user2_email", "user2_name", "user2_is_admin"))
USER_ATTRS = {name for triple in USER_COLUMNS for name in triple} | {"_users"}


class TierColumn(IntegerColumn):
    def convert(self, raw: Any) -> int:
        try:
            return super().convert(raw)
        except CellError:
            shown = int(raw) if isinstance(raw, float) and raw.is_integer() else raw
            raise CellError(f"'{shown}' is not a tier: use 1 (key account), 2 (standard) or 3 (small)") from None


class EmailColumn(TextColumn):
    """An email address, checked and lower-cased as it is parsed, so every bad cell of a row is reported."""

    def convert(self, raw: Any) -> str:
        text = super().convert(raw)
        if not text:
            return text
        try:
            return email_check(text, field=self.name)
        except ApplicationError:
            raise CellError(f"'{text[:60]}' is not a valid email address") from None


def _user_columns(number: int) -> list:
    prefix = "user" if number == 1 else f"user{number}"
    first = number == 1
    return [
        EmailColumn(
            f"{prefix}_email",
            max_length=254,
            example="buyer@sunrise-mobile.cn" if first else None,
            width=28,
            note="Optional: invites this person to the retailer portal (a set-password email after the import)."
            if first
            else "Optional: a second user to invite.",
        ),
        TextColumn(f"{prefix}_name", max_length=150, example="Li Na" if first else None, width=18),
        BooleanColumn(
            f"{prefix}_is_admin",
            default=first,
            example=True if first else None,
            note="A retailer admin may invite and deactivate colleagues."
            + (" Default yes for the first user." if first else " Default no."),
        ),
    ]


class RetailerDataset(Dataset):
    name = "retailers"
    title = _("Retailers")
    model = Retailer
    key = ("code",)
    filterset_class = RetailerFilter
    search_fields = ("code", "legal_name", "contact_name", "contact_email")
    export_ordering = ("code",)
    columns = [
        TextColumn(
            "code",
            required=True,
            max_length=32,
            upper=True,
            pattern=SKU_PATTERN,
            pattern_hint="upper-case letters, digits, '.', '_' or '-'",
            example="R-SH-0001",
        ),
        TextColumn("legal_name", required=True, max_length=200, example="Sunrise Mobile Trading Co., Ltd.", width=32),
        TextColumn("region", required=True, max_length=64, example="East"),
        TierColumn(
            "tier",
            min_value=1,
            max_value=3,
            default=2,
            example=2,
            note="1 key account, 2 standard, 3 small; tier 1 is served first when stock is scarce.",
        ),
        ChoiceColumn("status", choices=list(RetailerStatus.choices), default=RetailerStatus.ACTIVE, example="active"),
        TextColumn("contact_name", max_length=200, example="Wang Wei", width=18),
        EmailColumn("contact_email", max_length=254, example="orders@sunrise-mobile.cn", width=28),
        TextColumn("contact_phone", max_length=40, example="+86 21 5555 0101"),
        TextColumn("payment_terms", max_length=200, default="100% prepayment", example="100% prepayment", width=20),
        *_user_columns(1),
        *_user_columns(2),
    ]

    @property
    def import_permissions(self) -> tuple[str, ...]:
        return ("retail.add_retailer", "retail.change_retailer", "retail.onboard_retailer")

    # --- export: the retailer list, with its first two users -----------------------------

    def export_rows(self, queryset):
        users = RetailerUser.objects.filter(retailer=OuterRef("pk")).order_by("-is_admin", "pk")
        annotations = {}
        for index, (email, name, admin) in enumerate(USER_COLUMNS):
            one = users[index : index + 1]
            annotations[f"x_{email}"] = Subquery(one.values("user__email"))
            annotations[f"x_{name}"] = Subquery(one.values("user__first_name"))
            annotations[f"x_{admin}"] = Subquery(one.values("is_admin"))
        queryset = queryset.annotate(**annotations)
        attrs = [f"x_{c.attr}" if c.attr in USER_ATTRS else c.attr for c in self.columns]
        exporters = [column.export for column in self.columns]
        for values in queryset.values_list(*attrs).iterator(chunk_size=2000):
            yield [export(value) for export, value in zip(exporters, values, strict=True)]

    # --- import -------------------------------------------------------------------------

    def check(self, rows: list[Row], context: dict) -> None:
        seen_emails: dict[str, int] = context.setdefault("user_emails", {})
        wanted: dict[str, list[tuple[Row, str]]] = {}
        for row in rows:
            existing: Retailer | None = row.existing
            if existing is not None and row.values.get("legal_name") not in (None, existing.legal_name):
                row.error(
                    "code",
                    f"{existing.code} already belongs to {existing.legal_name}; a stored retailer is only updated "
                    "by a row with its own legal name (rename it on its page)",
                )
            users = []
            for email_col, name_col, admin_col in USER_COLUMNS:
                email = row.values.get(email_col) or ""  # checked and lower-cased by its column
                if not email:
                    if row.values.get(name_col):
                        row.error(email_col, f"is required when {name_col} is given")
                    continue
                first = seen_emails.setdefault(email, row.number)
                if first != row.number:
                    row.error(email_col, f"{email} is also a user in row {first}")
                    continue
                if any(user[0] == email for user in users):
                    row.error(email_col, f"{email} is already the first user of this row")
                    continue
                is_admin = self.value(row, admin_col)
                users.append((email, row.values.get(name_col) or "", bool(is_admin), email_col))
                wanted.setdefault(email, []).append((row, email_col))
            if users and self.value(row, "status") == RetailerStatus.CLOSED:
                row.error(users[0][3], "a closed retailer cannot get new users")
            row.values["_users"] = users
        if not wanted:
            return
        # One query for the users that exist, one for their retailer links.
        User = get_user_model()
        emails = list(wanted)
        taken = {}
        for pk, username, email in (
            User.objects.annotate(lower_username=Lower("username"), lower_email=Lower("email"))
            .filter(Q(lower_username__in=emails) | Q(lower_email__in=emails))
            .values_list("pk", "username", "email")
        ):
            for key in (username.lower(), (email or "").lower()):
                if key in wanted:
                    taken[key] = pk
        if not taken:
            return
        links = dict(RetailerUser.objects.filter(user_id__in=taken.values()).values_list("user_id", "retailer_id"))
        for email, user_id in taken.items():
            for row, column in wanted[email]:
                existing = row.existing
                if existing is not None and links.get(user_id) == existing.pk:
                    # Already a user of this retailer (an exported file imported back): nothing to do.
                    row.values["_users"] = [u for u in row.values["_users"] if u[0] != email]
                else:
                    row.error(column, f"{email} already has a user")

    def changed_fields(self, row: Row) -> list[str]:
        obj = row.existing
        changed = [
            column.attr
            for column in self.columns
            if column.name not in self.key
            and column.attr not in USER_ATTRS
            and column.attr in row.values
            and getattr(obj, column.attr) != row.values[column.attr]
        ]
        if row.values.get("_users"):
            changed.append("_users")
        return changed

    def build(self, row: Row) -> dict[str, Any]:
        values = super().build(row)
        values["_users"] = row.values.get("_users", [])
        return values

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        super().write(creates, updates, fields - USER_ATTRS, acting_user)
        now = timezone.now()
        ids = [values["id"] for values in creates + updates]
        with_account = set(PrepaymentAccount.objects.filter(retailer_id__in=ids).values_list("retailer_id", flat=True))
        insert_rows(
            PrepaymentAccount,
            [
                {"retailer_id": pk, "balance_cents": 0, "held_cents": 0, "updated_at": now}
                for pk in ids
                if pk not in with_account
            ],
        )
        invited = [
            (Retailer(pk=values["id"], code=values["code"], legal_name=values["legal_name"]), email, name, is_admin)
            for values in creates + updates
            for email, name, is_admin, _column in values.get("_users") or []
        ]
        if invited:
            retailer_users_create(acting_user=acting_user, retailer_users=invited)


dataset_register(RetailerDataset())
