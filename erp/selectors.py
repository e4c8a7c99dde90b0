"""Reads of the kernel, each with the joins its callers need."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery

from erp.errors import ApplicationError
from erp.models import ApiToken, ApiTokenStatus, Currency, FxRate, Item, Price

BASE_CURRENCY = "CNY"


def item_list() -> QuerySet[Item]:
    return Item.objects.all()


def item_get(*, sku: str) -> Item:
    item = Item.objects.filter(sku=sku.strip().upper()).first()
    if item is None:
        raise ApplicationError(f"No item with SKU '{sku}'.", {"fields": {"sku": [f"Unknown SKU '{sku}'."]}})
    return item


def price_list() -> QuerySet[Price]:
    return Price.objects.select_related("item")


def prices_in_force(on: date) -> QuerySet[Price]:
    return price_list().filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def price_in_force(*, item: Item, on: date) -> Price | None:
    return prices_in_force(on).filter(item=item).first()


def currency_list() -> QuerySet[Currency]:
    return Currency.objects.all()


def currency_get(*, code: str) -> Currency:
    currency = Currency.objects.filter(code=code.strip().upper()).first()
    if currency is None:
        raise ApplicationError(
            f"Unknown currency '{code}'.",
            {"fields": {"currency": [f"Unknown currency '{code}'."]}},
        )
    return currency


def fx_rate_list() -> QuerySet[FxRate]:
    return FxRate.objects.select_related("currency")


def _fx_rate_missing(currency: str, on: date) -> ApplicationError:
    return ApplicationError(
        f"No FX rate for {currency} on or before {on.isoformat()}.",
        {"currency": currency, "date": on.isoformat()},
    )


def fx_rate_on(*, currency: str, on: date) -> Decimal:
    """CNY per unit of ``currency`` on ``on``: that day's rate, or the latest before it."""
    if currency == BASE_CURRENCY:
        return Decimal(1)
    rate = (
        FxRate.objects.filter(currency_id=currency, date__lte=on)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise _fx_rate_missing(currency, on)
    return rate


class FxTable:
    """Every currency's rate in force on one day, read in one query, for code that converts many amounts."""

    def __init__(self, on: date) -> None:
        self.on = on
        latest = FxRate.objects.filter(currency=OuterRef("pk"), date__lte=on).order_by("-date").values("rate")[:1]
        self._rates: dict[str, Decimal | None] = dict(
            Currency.objects.annotate(rate=Subquery(latest)).values_list("code", "rate")
        )
        self._rates[BASE_CURRENCY] = Decimal(1)

    def rate(self, currency: str) -> Decimal:
        rate = self._rates.get(currency)
        if rate is None:
            raise _fx_rate_missing(currency, self.on)
        return rate

    def known(self) -> dict[str, Decimal]:
        """Currency code -> rate, for the currencies that have one on the day."""
        return {code: rate for code, rate in self._rates.items() if rate is not None}

    def has_rate(self, currency: str) -> bool:
        return self._rates.get(currency) is not None

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        return amount * self.rate(currency)


def fx_convert(*, amount: Decimal, currency: str, on: date) -> Decimal:
    """``amount`` in ``currency`` expressed in CNY at the rate in force on ``on``."""
    return amount * fx_rate_on(currency=currency, on=on)


def api_token_list() -> QuerySet[ApiToken]:
    """Every token record with its user, newest first (the token pages and the admin)."""
    return ApiToken.objects.select_related("user")


def api_tokens_of_user(user) -> QuerySet[ApiToken]:
    """The records of ``user``'s own tokens; another user's token is simply not in it (a 404)."""
    return ApiToken.objects.filter(user=user)


def api_token_status_q(status: str, *, now: datetime) -> Q:
    """The rows whose ``ApiToken.status_at(now)`` is ``status``, as a filter (same rules, in SQL)."""
    unexpired = Q(expiry__isnull=True) | Q(expiry__gte=now)
    if status == ApiTokenStatus.ACTIVE:
        return Q(revoked_at__isnull=True, token__isnull=False) & unexpired
    if status == ApiTokenStatus.EXPIRED:
        return Q(revoked_at__isnull=True, expiry__lt=now)
    if status == ApiTokenStatus.REVOKED:
        return Q(revoked_at__isnull=False) | (Q(token__isnull=True) & unexpired)
    raise ValueError(f"Unknown token status {status!r}")
