"""Reads of the production schedule: versions, lines, the grid and diff pages, what MRP and the
demand plan read (``planned_production``), and what a factory's integration user may see."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet, Sum

from erp.errors import ApplicationError
from erp.excel.xlsx_stream import SheetColumn
from erp.models import Item
from erp.weeks import IsoWeek
from logistics.models import (
    Factory,
    FactoryOrderSheet,
    FactoryUser,
    ProductionActual,
    ScheduleDay,
    ScheduleLine,
    ScheduleStatus,
    ScheduleVersion,
)


def schedule_version_list() -> QuerySet[ScheduleVersion]:
    return ScheduleVersion.objects.select_related("created_by", "locked_by", "based_on").order_by("-number")


def schedule_version_get(*, number: int | str) -> ScheduleVersion:
    value = str(number).strip().lstrip("vV")
    version = schedule_version_list().filter(number=int(value)).first() if value.isdigit() else None
    if version is None:
        raise ApplicationError(
            f"No schedule version {number}.", {"fields": {"version": [f"Unknown schedule version '{number}'."]}}
        )
    return version


def schedule_current_locked() -> ScheduleVersion | None:
    """The latest locked version: the schedule in force."""
    return schedule_version_list().filter(status=ScheduleStatus.LOCKED).first()


def schedule_draft() -> ScheduleVersion | None:
    """The version being edited, if any (there is at most one)."""
    return schedule_version_list().filter(status=ScheduleStatus.DRAFT).first()


def schedule_lines(*, version: ScheduleVersion) -> QuerySet[ScheduleLine]:
    """A version's lines with factory, product and days loaded: two queries."""
    return (
        ScheduleLine.objects.filter(version=version)
        .select_related("factory", "item")
        .prefetch_related(Prefetch("days", queryset=ScheduleDay.objects.order_by("date")))
        .order_by("item__sku", "factory__code", "week")
    )


def planned_production(*, from_week: IsoWeek, weeks: int, version=None) -> dict[tuple[int, date], int]:
    """Planned production per (product id, Monday of the week), summed over factories.

    Reads ``version`` or, when None, the latest locked version (empty when nothing is locked).
    Weeks ``from_week`` .. ``from_week + weeks - 1``; cells without a plan are absent (read as 0).
    """
    if weeks < 0:
        raise ApplicationError("The number of weeks cannot be negative.", {"field": "weeks", "value": weeks})
    if version is None:
        version = schedule_current_locked()
        if version is None:
            return {}
    start = from_week.monday
    end = start + timedelta(weeks=weeks)
    rows = (
        ScheduleLine.objects.filter(version=version, week__gte=start, week__lt=end, quantity__gt=0)
        .order_by()
        .values("item_id", "week")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "week", "total")
    )
    return {(item_id, week): total for item_id, week, total in rows}


def factory_of_user(user) -> int | None:
    """The factory id a factory integration user acts for; None for everybody else."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tempo_factory_id"):
        user._tempo_factory_id = FactoryUser.objects.filter(user=user).values_list("factory_id", flat=True).first()
    return user._tempo_factory_id


def factory_schedule(*, factory: Factory, week: IsoWeek | None = None) -> tuple[ScheduleVersion | None, list]:
    """A factory's own lines of the current locked version (one week or all), with their days."""
    version = schedule_current_locked()
    if version is None:
        return None, []
    lines = schedule_lines(version=version).filter(factory=factory)
    if week is not None:
        lines = lines.filter(week=week.monday)
    return version, list(lines)


def factory_order_sheet_table(
    *, factory: Factory, version: ScheduleVersion, week: IsoWeek
) -> tuple[list[SheetColumn], list[list]]:
    """A factory's order sheet for one week of a version: its working days x products, then the totals."""
    lines = list(schedule_lines(version=version).filter(factory=factory, week=week.monday))
    columns = [SheetColumn("date", 12, "yyyy-mm-dd"), SheetColumn("day", 6)]
    columns += [SheetColumn(line.item.sku, 14, "#,##0") for line in lines]
    by_day = [{d.date: d.quantity for d in line.days.all()} for line in lines]
    rows = [
        [day, day.strftime("%a"), *[days.get(day, 0) for days in by_day]]
        for n, day in enumerate(week.days())
        if factory.working_days[n] == "1"
    ]
    rows.append(["total", "", *[line.quantity for line in lines]])
    return columns, rows


def factory_order_sheets(*, factory: Factory | None = None, version: ScheduleVersion | None = None):
    """Issued order sheets, newest week first, with factory, version and issuer loaded."""
    sheets = FactoryOrderSheet.objects.select_related("factory", "version", "issued_by")
    if factory is not None:
        sheets = sheets.filter(factory=factory)
    if version is not None:
        sheets = sheets.filter(version=version)
    return sheets.order_by("-week", "factory__code", "-version__number")


def production_actuals(*, factory: Factory | None = None) -> QuerySet[ProductionActual]:
    rows = ProductionActual.objects.select_related("factory", "item", "posted_by")
    return rows if factory is None else rows.filter(factory=factory)


# --- the grid and the diff ---------------------------------------------------------------------


@dataclass
class GridRow:
    item: Item
    factory: Factory
    cells: list[int | None] = field(default_factory=list)  # one per week; None = no line


@dataclass
class Grid:
    weeks: list[IsoWeek]
    rows: list[GridRow]


def schedule_grid(*, version: ScheduleVersion, extra_weeks: int = 0) -> Grid:
    """Rows product x factory (every product with a capacity, and every line), columns the weeks
    the version covers (from the earlier of its first week and the current week, at least 12)."""
    from logistics.models import FactoryCapacity

    lines = list(ScheduleLine.objects.filter(version=version).select_related("factory", "item").order_by("week"))
    capacities = list(FactoryCapacity.objects.filter(factory__is_active=True).select_related("factory", "item"))
    current = IsoWeek.current()
    start = min([IsoWeek.of(ln.week) for ln in lines] + [current])
    last = max([IsoWeek.of(ln.week) for ln in lines] + [current + 11])
    weeks = [start + i for i in range((last - start) + 1 + extra_weeks)]
    index = {w.monday: n for n, w in enumerate(weeks)}
    rows: dict[tuple[int, int], GridRow] = {}
    for cap in capacities:
        rows[(cap.item_id, cap.factory_id)] = GridRow(cap.item, cap.factory, [None] * len(weeks))
    for ln in lines:
        row = rows.setdefault((ln.item_id, ln.factory_id), GridRow(ln.item, ln.factory, [None] * len(weeks)))
        row.cells[index[ln.week]] = ln.quantity
    ordered = sorted(rows.values(), key=lambda r: (r.item.sku, r.factory.code))
    return Grid(weeks=weeks, rows=ordered)


@dataclass(frozen=True)
class DiffCell:
    factory: str
    sku: str
    week: str
    old: int
    new: int

    @property
    def delta(self) -> int:
        return self.new - self.old

    @property
    def changed(self) -> bool:
        return self.old != self.new


def schedule_diff(a: ScheduleVersion, b: ScheduleVersion, *, changed_only: bool = False) -> list[DiffCell]:
    """Per factory x product x week: the quantity in ``a`` (old), in ``b`` (new) and the delta.

    A cell missing from one version counts as 0 there. Sorted by product, factory and week.
    """
    values: dict[tuple[str, str, date], list[int]] = defaultdict(lambda: [0, 0])
    for side, version in enumerate((a, b)):
        for code, sku, week, qty in ScheduleLine.objects.filter(version=version).values_list(
            "factory__code", "item__sku", "week", "quantity"
        ):
            values[(code, sku, week)][side] = qty
    cells = [
        DiffCell(factory=code, sku=sku, week=IsoWeek.of(week).key, old=old, new=new)
        for (code, sku, week), (old, new) in sorted(values.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))
    ]
    return [c for c in cells if c.changed] if changed_only else cells
