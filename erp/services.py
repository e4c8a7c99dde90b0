"""Every write to the kernel. Keyword-only, atomic, attributed to ``acting_user``."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from erp.api.token_cache import token_cache_forget
from erp.audit import audited_save, validate_instance
from erp.errors import ApplicationError
from erp.models import ApiToken, Currency, FxRate, Item, Price
from erp.tokens import token_scope_of_user

ITEM_EDITABLE_FIELDS = {
    "name",
    "kind",
    "unit",
    "lifecycle_status",
    "batch_multiple",
    "case_pack",
    "family",
    "description",
}
PRICE_EDITABLE_FIELDS = {
    "list_price",
    "retailer_price",
    "valid_from",
    "valid_to",
    "note",
}
CURRENCY_EDITABLE_FIELDS = {"name", "decimal_places", "is_active"}


def apply_changes(instance: Any, changes: dict[str, Any], allowed: set[str], what: str) -> bool:
    """Set ``changes`` on ``instance``; tell whether any value differs from what was stored."""
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ApplicationError(
            f"{what} field(s) cannot be changed here: {', '.join(unknown)}.",
            {"fields": {name: ["This field cannot be changed."] for name in unknown}},
        )
    changed = False
    for name, value in changes.items():
        changed = changed or getattr(instance, name) != value
        setattr(instance, name, value)
    return changed


@transaction.atomic
def item_create(
    *,
    acting_user: Any,
    sku: str,
    name: str,
    kind: str,
    unit: str = Item.Unit.PIECE,
    lifecycle_status: str = Item.Lifecycle.ACTIVE,
    batch_multiple: int = 1,
    case_pack: int = 1,
    family: str = "",
    description: str = "",
) -> Item:
    sku = sku.strip()
    if not sku.isascii():
        raise ApplicationError(
            f"SKU '{sku}' has non-ASCII characters.", {"fields": {"sku": ["Use A-Z, 0-9, '.', '_' or '-'."]}}
        )
    item = Item(
        sku=sku.upper(),
        name=name.strip(),
        kind=kind,
        unit=unit,
        lifecycle_status=lifecycle_status,
        batch_multiple=batch_multiple,
        case_pack=case_pack,
        family=family.strip(),
        description=description,
    )
    return audited_save(item, acting_user=acting_user, reason="created")


@transaction.atomic
def item_update(*, acting_user: Any, item: Item, reason: str = "", **changes: Any) -> Item:
    if "sku" in changes and changes["sku"] != item.sku:
        raise ApplicationError(
            "The SKU is the item's permanent key and cannot be changed; create a new item instead.",
            {"fields": {"sku": ["The SKU cannot be changed."]}},
        )
    changes.pop("sku", None)
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not apply_changes(item, changes, ITEM_EDITABLE_FIELDS, "Item"):
        return item  # nothing changed: no write, no history row
    if item.kind != Item.Kind.PRODUCT and item.prices.exists():
        raise ApplicationError(
            f"{item.sku} has list prices, so it must stay a product.",
            {"fields": {"kind": ["Only products carry list prices."]}},
        )
    return audited_save(item, acting_user=acting_user, reason=reason or "updated")


def _check_price_rules(price: Price) -> None:
    # The row's own rules first: a negative price is reported as such, not as an overlap.
    validate_instance(price)
    if price.item.kind != Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{price.item.sku} is a {price.item.kind}; only products have list prices.",
            {"fields": {"sku": ["Only products have list prices."]}},
        )
    overlapping = Price.objects.filter(item=price.item).exclude(pk=price.pk)
    if price.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=price.valid_to)
    overlapping = overlapping.exclude(valid_to__lt=price.valid_from).order_by("valid_from")
    clash = overlapping.first()
    if clash is not None:
        clash_end = clash.valid_to.isoformat() if clash.valid_to else "open-ended"
        clash_text = f"the {price.item.sku} price valid {clash.valid_from.isoformat()} to {clash_end}"
        raise ApplicationError(
            f"The period overlaps {clash_text}; end that period first.",
            {
                "fields": {"valid_from": [f"Overlaps {clash_text}; end that period first."]},
                "conflicting_price_id": clash.pk,
            },
        )


@transaction.atomic
def price_create(
    *,
    acting_user: Any,
    item: Item,
    list_price: Decimal,
    retailer_price: Decimal,
    valid_from: date,
    valid_to: date | None = None,
    note: str = "",
) -> Price:
    # Lock the item so two overlapping periods cannot be added side by side.
    item = Item.objects.select_for_update().get(pk=item.pk)
    price = Price(
        item=item,
        list_price=list_price,
        retailer_price=retailer_price,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    _check_price_rules(price)
    return audited_save(price, acting_user=acting_user, reason="created")


@transaction.atomic
def price_update(*, acting_user: Any, price: Price, reason: str = "", **changes: Any) -> Price:
    Item.objects.select_for_update().get(pk=price.item_id)
    price = Price.objects.select_related("item").get(pk=price.pk)
    if not apply_changes(price, changes, PRICE_EDITABLE_FIELDS, "Price"):
        return price
    _check_price_rules(price)
    return audited_save(price, acting_user=acting_user, reason=reason or "updated")


@transaction.atomic
def currency_create(*, acting_user: Any, code: str, name: str, decimal_places: int = 2) -> Currency:
    code = code.strip().upper()
    if Currency.objects.filter(code=code).exists():
        raise ApplicationError(
            f"Currency {code} already exists.",
            {"fields": {"code": ["Already exists."]}},
        )
    currency = Currency(code=code, name=name.strip(), decimal_places=decimal_places)
    return audited_save(currency, acting_user=acting_user, reason="created")


@transaction.atomic
def currency_update(*, acting_user: Any, currency: Currency, **changes: Any) -> Currency:
    currency = Currency.objects.select_for_update().get(pk=currency.pk)
    if not apply_changes(currency, changes, CURRENCY_EDITABLE_FIELDS, "Currency"):
        return currency
    return audited_save(currency, acting_user=acting_user, reason="updated")


@transaction.atomic
def fx_rate_upsert(*, acting_user: Any, currency: Currency, date: date, rate: Decimal, source: str = "") -> FxRate:
    """Record the day's rate, replacing an earlier entry for the same currency and day."""
    if currency.code == "CNY":
        raise ApplicationError(
            "CNY is the base currency; its rate is always 1.",
            {"fields": {"currency": ["Base currency."]}},
        )
    fx = FxRate.objects.select_for_update().filter(currency=currency, date=date).first()
    if fx is None:
        fx = FxRate(currency=currency, date=date)
    elif fx.rate == rate and fx.source == source:
        return fx
    fx.rate = rate
    fx.source = source
    return audited_save(fx, acting_user=acting_user, reason="updated" if fx.pk else "created")


MAX_TOKEN_DAYS = 365
# ``ApiToken.last_used_at`` is written at most this often per token: a busy integration token (the
# online shop's flash-sale intake) costs one UPDATE a minute, not one a request.
TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)


@transaction.atomic
def api_token_create(
    *, acting_user: Any, user: Any, label: str = "", expiry_days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a knox token for ``user`` with the scope its kind gives it; returns the record and the plaintext.

    The plaintext exists only here: knox stores a hash, so the caller must show it once.
    """
    if expiry_days is not None and not 1 <= expiry_days <= MAX_TOKEN_DAYS:
        raise ApplicationError(
            f"expiry_days: must be between 1 and {MAX_TOKEN_DAYS}.",
            {"fields": {"expiry_days": [f"Must be between 1 and {MAX_TOKEN_DAYS} days."]}},
        )
    expiry = timedelta(days=expiry_days) if expiry_days is not None else None
    api_token_sweep_expired(user=user)
    knox_token, plaintext = AuthToken.objects.create(user=user, **({"expiry": expiry} if expiry else {}))
    record = ApiToken(
        token=knox_token,
        user=user,
        token_key=knox_token.token_key,
        scope=token_scope_of_user(user),
        label=label.strip(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        expiry=knox_token.expiry,
    )
    audited_save(record, acting_user=acting_user, reason="token issued")
    return record, plaintext


def api_token_sweep_expired(*, user: Any = None) -> int:
    """Delete expired knox tokens (of ``user``, or everybody's); their ApiToken records stay for the audit.

    Authentication refuses an expired token whatever this does; sweeping just keeps the table small.
    Issuing a token sweeps its user's expired ones."""
    expired = AuthToken.objects.filter(expiry__lt=timezone.now())
    if user is not None:
        expired = expired.filter(user=user)
    deleted, _ = expired.delete()
    return deleted


@transaction.atomic
def api_token_revoke(*, acting_user: Any, api_token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token: the knox token is deleted; the record stays for the audit. It stops working at once
    in this process and, on the other app processes, within ``API_AUTH_CACHE_SECONDS`` (erp/api/token_cache.py)."""
    if api_token.revoked_at is not None:
        return api_token
    knox_token = api_token.token
    api_token.token = None
    api_token.revoked_at = timezone.now()
    api_token.revoked_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    audited_save(api_token, acting_user=acting_user, reason=reason or "token revoked")
    if knox_token is not None:
        digest = knox_token.digest
        knox_token.delete()
        transaction.on_commit(lambda: token_cache_forget(digest))
    return api_token


@transaction.atomic
def api_token_revoke_all(*, acting_user: Any, user: Any, reason: str = "") -> int:
    """Revoke every live token of ``user``, each with its who/when record; returns how many."""
    records = list(ApiToken.objects.select_for_update().filter(user=user, token__isnull=False).order_by("pk"))
    for record in records:
        api_token_revoke(acting_user=acting_user, api_token=record, reason=reason)
    # Tokens made before scope records existed have no record to keep; they just stop working.
    legacy, _ = AuthToken.objects.filter(user=user, tempo_token__isnull=True).delete()
    if legacy:
        transaction.on_commit(token_cache_forget)  # their digests are gone with them: forget every token
    return len(records) + legacy


def api_token_touch_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a use at ``now`` should be recorded, judged from the value loaded with the token."""
    return last_used_at is None or last_used_at < now - TOKEN_TOUCH_INTERVAL


def api_token_touch(*, api_token_id: int, now: datetime) -> bool:
    """Record that the token was used at ``now``, unless a use within ``TOKEN_TOUCH_INTERVAL`` is recorded.

    One conditional UPDATE, never read-then-write: of concurrent requests, at most one writes. No history
    row and no ``transaction.atomic`` (a single statement; a savepoint would only add queries): a use is
    not a change somebody made to the token. Returns whether this call wrote.
    """
    not_recent = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_INTERVAL)
    return ApiToken.objects.filter(not_recent, pk=api_token_id).update(last_used_at=now) == 1
