"""Writes to forecasts, demand signals and sales actuals. Keyword-only, atomic, attributed to ``acting_user``.

Draft/current semantics: every version can be edited (grid, file, API, generation); exactly one
version is *current* and it is what the demand plan reads. To keep a snapshot, create a new
version (a copy of the current one) and edit that; make it current when it is agreed. The
first version ever created becomes current by itself.

Forecast cells are written with one upsert on the unique (version, item, week), so two people
saving the same cell at once both succeed and the later write wins; each cell keeps who wrote it
and when, and each write adds a history entry to the version naming what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from erp.audit import audited_save, user_or_none, validation_error_to_application_error
from erp.errors import ApplicationError
from erp.models import Item
from erp.weeks import IsoWeek
from orders.models import (
    DemandSignal,
    ForecastMethod,
    ForecastValue,
    ForecastVersion,
    SalesActual,
    SignalSource,
)
from orders.services import forecast_methods

MAX_WEEKS_AWAY = 104  # weeks before or after the current week that a value may be stored for
MAX_GENERATE_WEEKS = 52
MAX_MOVING_AVERAGE_N = 52
MAX_QUANTITY = 2_147_483_647


def week_check(week: IsoWeek | str, *, where: str = "", field: str = "week") -> IsoWeek:
    """An ISO week (or its key) within ``MAX_WEEKS_AWAY`` weeks of now; refused with a message naming it."""
    if not isinstance(week, IsoWeek):
        try:
            week = IsoWeek.parse(week)
        except ApplicationError as error:
            raise ApplicationError(f"{where}{error.message}", {"fields": {field: [error.message]}}) from error
    distance = week - IsoWeek.current()
    if abs(distance) > MAX_WEEKS_AWAY:
        message = f"{week.key} is out of range: use a week within {MAX_WEEKS_AWAY} weeks of today."
        raise ApplicationError(f"{where}{message}", {"fields": {field: [message]}, "week": week.key})
    return week


def _check_product(item: Item, where: str = "") -> None:
    if item.kind != Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{where}{item.sku} is not a product; forecasts, signals, sales and consumer orders are for products.",
            {"fields": {"sku": [f"{item.sku} is not a product."]}},
        )


def _check_quantity(quantity: Any, where: str = "", *, field: str = "quantity") -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= MAX_QUANTITY:
        raise ApplicationError(
            f"{where}the {field} must be a whole number of 0 or more, not {quantity!r}.",
            {"fields": {field: [f"{quantity!r} is not a whole number of 0 or more."]}},
        )
    return quantity


def _version_history(version: ForecastVersion, *, acting_user: Any, reason: str) -> None:
    version._change_reason = reason[:100]  # an earlier save's reason on the instance would win otherwise
    version._history_user = user_or_none(acting_user)
    ForecastVersion.history.bulk_history_create(
        [version], update=True, default_user=user_or_none(acting_user), default_change_reason=reason[:100]
    )


# --- versions ---------------------------------------------------------------------------------


@transaction.atomic
def forecast_version_create(
    *, acting_user: Any, name: str, note: str = "", copy_from: ForecastVersion | None = None, copy_current: bool = True
) -> ForecastVersion:
    """A new version, empty or a copy of ``copy_from`` (default: the current version when ``copy_current``).

    Its number is the next free one; the unique constraint settles two versions created at once.
    The first version becomes current.
    """
    name = (name or "").strip()
    if not name:
        raise ApplicationError("A forecast version needs a name.", {"fields": {"name": ["Give a name."]}})
    source = copy_from
    if source is None and copy_current:
        source = ForecastVersion.objects.filter(is_current=True).first()
    try:  # the fields' own rules first, so that the loop below only retries real conflicts
        ForecastVersion(number=1, name=name, note=note).full_clean(
            exclude=["number", "is_current", "created_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise validation_error_to_application_error(error, what="forecast version") from error
    for _attempt in range(5):
        has_current = ForecastVersion.objects.filter(is_current=True).exists()
        number = (ForecastVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
        version = ForecastVersion(
            number=number, name=name, note=note, created_by=user_or_none(acting_user), is_current=not has_current
        )
        try:
            with transaction.atomic():
                audited_save(version, acting_user=acting_user, reason="created")
        except ApplicationError:
            continue  # a version created at the same moment took the number or became current: look again
        break
    else:
        raise ApplicationError("Many versions are being created at once; try again.", {})
    if source is not None:
        now = timezone.now()
        ForecastValue.objects.bulk_create(
            [
                ForecastValue(
                    version=version,
                    item_id=value.item_id,
                    week=value.week,
                    quantity=value.quantity,
                    method=value.method,
                    method_param=value.method_param,
                    updated_at=now,
                    updated_by=user_or_none(acting_user),
                )
                for value in source.values.all().iterator(chunk_size=2000)
            ],
            batch_size=1000,
        )
        _version_history(version, acting_user=acting_user, reason=f"copied from v{source.number}")
    return version


@transaction.atomic
def forecast_version_make_current(*, acting_user: Any, version: ForecastVersion) -> ForecastVersion:
    """Make ``version`` the current one; the previous current version stops being current."""
    # Lock every version row concerned, in pk order, so two switches cannot interleave.
    list(ForecastVersion.objects.select_for_update().filter(is_current=True).order_by("pk").values_list("pk"))
    ForecastVersion.objects.filter(is_current=True).exclude(pk=version.pk).update(
        is_current=False, updated_at=timezone.now()
    )
    try:
        with transaction.atomic():
            ForecastVersion.objects.filter(pk=version.pk).update(is_current=True, updated_at=timezone.now())
    except IntegrityError as error:
        raise ApplicationError("Another version was made current at the same moment; reload and try again.") from error
    version = ForecastVersion.objects.get(pk=version.pk)
    _version_history(version, acting_user=acting_user, reason="made current")
    return version


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellInput:
    """One forecast cell: a product, an ISO week and a whole quantity >= 0."""

    item: Item
    week: IsoWeek | str
    quantity: int


def _upsert(version: ForecastVersion, cells: dict[tuple[int, date], tuple[int, str, int | None]], acting_user) -> None:
    now = timezone.now()
    ForecastValue.objects.bulk_create(
        [
            ForecastValue(
                version=version,
                item_id=item_id,
                week=week,
                quantity=quantity,
                method=method,
                method_param=param,
                updated_at=now,
                updated_by=user_or_none(acting_user),
            )
            for (item_id, week), (quantity, method, param) in sorted(cells.items())
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["version", "item", "week"],
        update_fields=["quantity", "method", "method_param", "updated_at", "updated_by"],
    )


@transaction.atomic
def forecast_values_set(
    *,
    acting_user: Any,
    version: ForecastVersion,
    cells: Sequence[CellInput],
    method: str = ForecastMethod.MANUAL,
) -> int:
    """Write forecast cells of ``version`` (manual grid, import or API); all or nothing. Returns the count.

    Each cell must be a product, a week within range and a whole quantity >= 0; a cell given twice
    is refused. The method stored with each value is ``method`` (manual, import or api).
    """
    if method not in {ForecastMethod.MANUAL, ForecastMethod.IMPORT, ForecastMethod.API}:
        raise ApplicationError(
            f"'{method}' is a generated method; use forecast_generate.", {"fields": {"method": ["Not allowed."]}}
        )
    values: dict[tuple[int, date], tuple[int, str, int | None]] = {}
    for cell in cells:
        week = week_check(cell.week, where=f"{cell.item.sku}: ")
        where = f"{cell.item.sku} {week.key}: "
        _check_product(cell.item, where)
        _check_quantity(cell.quantity, where)
        key = (cell.item.pk, week.monday)
        if key in values:
            raise ApplicationError(
                f"{where}the cell is given twice.", {"fields": {"cells": [f"{cell.item.sku} {week.key} twice."]}}
            )
        values[key] = (cell.quantity, str(method), None)
    if values:
        _upsert(version, values, acting_user)
        _version_history(version, acting_user=acting_user, reason=f"{len(values)} values set ({method})")
    return len(values)


# --- generation -------------------------------------------------------------------------------


def _sales_by_item_week(item_ids: Iterable[int], first: date, last: date) -> dict[tuple[int, date], int]:
    rows = (
        SalesActual.objects.filter(item_id__in=item_ids, week__gte=first, week__lte=last)
        .values("item_id", "week")
        .annotate(total=Sum("quantity"))
    )
    return {(row["item_id"], row["week"]): row["total"] for row in rows}


def _signals_by_item_week(item_ids: Iterable[int], first: date, last: date) -> dict[tuple[int, date], Decimal]:
    rows = (
        DemandSignal.objects.filter(item_id__in=item_ids, week__gte=first, week__lte=last)
        .values("item_id", "week")
        .annotate(total=Sum("value"))
    )
    return {(row["item_id"], row["week"]): row["total"] for row in rows}


def forecast_compute(
    *, method: str, from_week: IsoWeek, weeks: int, item_ids: Sequence[int], n: int | None = None
) -> dict[tuple[int, date], int]:
    """What ``method`` forecasts for each product and week, from sales actuals and demand signals (reads only)."""
    horizon = [from_week + k for k in range(weeks)]
    lookback = n if method == ForecastMethod.MOVING_AVERAGE else 1
    history_weeks = [from_week - k for k in range(lookback, 0, -1)]
    sales = _sales_by_item_week(item_ids, history_weeks[0].monday, history_weeks[-1].monday)
    signals: dict[tuple[int, date], Decimal] = {}
    if method == ForecastMethod.SIGNAL_ADJUSTED:
        signals = _signals_by_item_week(item_ids, (from_week - 1).monday, horizon[-1].monday)
    result = {}
    for item_id in item_ids:
        history = [sales.get((item_id, w.monday)) for w in history_weeks]
        if method == ForecastMethod.NAIVE:
            quantities = forecast_methods.naive(history, weeks)
        elif method == ForecastMethod.MOVING_AVERAGE:
            quantities = forecast_methods.moving_average(history, n, weeks)
        else:
            series = [signals.get((item_id, w.monday)) for w in [from_week - 1, *horizon]]
            quantities = forecast_methods.signal_adjusted(history, series, weeks)
        for week, quantity in zip(horizon, quantities, strict=True):
            result[(item_id, week.monday)] = quantity
    return result


@transaction.atomic
def forecast_generate(
    *,
    acting_user: Any,
    version: ForecastVersion,
    method: str,
    from_week: IsoWeek | str,
    weeks: int,
    n: int | None = None,
    items: Sequence[Item] | None = None,
) -> int:
    """Fill ``weeks`` weeks of ``version`` from ``from_week`` with ``method`` for ``items`` (default: active products).

    Methods (DESIGN section 4, details in ``forecast_methods``): ``naive``, ``moving_average``
    (needs ``n``, 1-52) and ``signal_adjusted``. Existing values of those cells are replaced;
    each value stores the method (and ``n``). Returns the number of values written.
    """
    if method not in {
        m.value for m in (ForecastMethod.NAIVE, ForecastMethod.MOVING_AVERAGE, ForecastMethod.SIGNAL_ADJUSTED)
    }:
        raise ApplicationError(
            f"Unknown forecast method '{method}'; use naive, moving_average or signal_adjusted.",
            {"fields": {"method": [f"Unknown method '{method}'."]}},
        )
    if method == ForecastMethod.MOVING_AVERAGE:
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_MOVING_AVERAGE_N:
            raise ApplicationError(
                f"A moving average needs n, a whole number of weeks from 1 to {MAX_MOVING_AVERAGE_N}, not {n!r}.",
                {"fields": {"n": [f"Give n from 1 to {MAX_MOVING_AVERAGE_N}."]}},
            )
    else:
        n = None
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_GENERATE_WEEKS:
        raise ApplicationError(
            f"weeks must be a whole number from 1 to {MAX_GENERATE_WEEKS}, not {weeks!r}.",
            {"fields": {"weeks": [f"From 1 to {MAX_GENERATE_WEEKS}."]}},
        )
    start = week_check(from_week, field="from_week")
    week_check(start + (weeks - 1), field="weeks")
    if items is None:
        items = list(Item.objects.filter(kind=Item.Kind.PRODUCT).exclude(lifecycle_status=Item.Lifecycle.OBSOLETE))
    for item in items:
        _check_product(item)
    if not items:
        return 0
    computed = forecast_compute(method=method, from_week=start, weeks=weeks, item_ids=[i.pk for i in items], n=n)
    _upsert(version, {key: (qty, method, n) for key, qty in computed.items()}, acting_user)
    label = f"{method}({n})" if n else method
    _version_history(version, acting_user=acting_user, reason=f"generated {label} {start.key} +{weeks}w")
    return len(computed)


# --- demand signals and sales actuals ---------------------------------------------------------


def _decimal(value: Any, where: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ApplicationError(
            f"{where}the {field} must be a number of 0 or more, not {value!r}.",
            {"fields": {field: [f"{value!r} is not a number of 0 or more."]}},
        )
    return number.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class SignalInput:
    item: Item
    week: IsoWeek | str
    source: str
    value: Decimal | int | str


@transaction.atomic
def demand_signals_import(*, acting_user: Any, signals: Sequence[SignalInput]) -> int:
    """Create or replace demand signals (item, week, source) -> value; all or nothing. Returns the count."""
    checked: dict[tuple[int, date, str], tuple[Item, Decimal]] = {}
    for n, signal in enumerate(signals, start=1):
        where = f"Signal {n} ({signal.item.sku}): "
        week = week_check(signal.week, where=where)
        _check_product(signal.item, where)
        if signal.source not in SignalSource.values:
            raise ApplicationError(
                f"{where}unknown source '{signal.source}'; use search, forum or social.",
                {"fields": {"source": [f"Unknown source '{signal.source}'."]}},
            )
        key = (signal.item.pk, week.monday, signal.source)
        if key in checked:
            raise ApplicationError(
                f"{where}{week.key} {signal.source} is given twice.", {"fields": {"signals": ["Given twice."]}}
            )
        checked[key] = (signal.item, _decimal(signal.value, where, "value"))
    for (item_id, monday, source), (item, value) in sorted(checked.items(), key=lambda kv: kv[0]):
        existing = DemandSignal.objects.select_for_update().filter(item_id=item_id, week=monday, source=source).first()
        if existing is None:
            existing = DemandSignal(item=item, week=monday, source=source, value=value)
        elif existing.value == value:
            continue
        existing.value = value
        audited_save(existing, acting_user=acting_user, reason="demand signal set")
    return len(checked)


@transaction.atomic
def sales_actual_set(
    *, acting_user: Any, item: Item, week: IsoWeek | str, quantity: int, channel: str = ""
) -> SalesActual:
    """Record the units of ``item`` sold in ``week`` (per ``channel``, '' for all), replacing what was there."""
    where = f"{item.sku}: "
    week = week_check(week, where=where)
    _check_product(item, where)
    _check_quantity(quantity, f"{item.sku} {week.key}: ")
    channel = (channel or "").strip()
    actual = SalesActual.objects.select_for_update().filter(item=item, week=week.monday, channel=channel).first()
    if actual is None:
        actual = SalesActual(item=item, week=week.monday, channel=channel, quantity=quantity)
    elif actual.quantity == quantity:
        return actual
    actual.quantity = quantity
    return audited_save(actual, acting_user=acting_user, reason="sales actual set")
