"""What the weekly order meeting shows (DESIGN section 3, step 3), as plain data.

``meeting_grid`` fills these from the database in a fixed number of queries; the page, the API
and the meeting workbook all read the same structure, so the three never disagree on a number.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from erp.models import Item
from erp.weeks import IsoWeek

MEETING_WEEKS = 12  # the plan's horizon: the meeting's own week and the eleven after it


@dataclass(frozen=True)
class MeetingCell:
    """One product x planned week. ``planned`` is the only editable number."""

    week: IsoWeek
    forecast: int
    online: int  # pre-sale and online consumer orders due in the week
    retailer: int  # confirmed retailer order lines due in the week
    demand: int  # max(forecast, online + retailer)
    planned: int  # planned production in the draft (or locked) schedule; ships the week after
    supply: int  # last week's planned production plus expected arrivals
    suggested: int
    projected: int  # end of week; negative is a shortfall, never clipped
    days_of_supply: Decimal | None  # None: no demand ahead
    capacity_shortfall: int
    previous_planned: int | None = None  # in last week's locked plan; None: there is none

    @property
    def changed(self) -> bool:
        return self.previous_planned is not None and self.previous_planned != self.planned


@dataclass(frozen=True)
class LastWeekActuals:
    """What happened in the week before the meeting's week."""

    sales: int  # sales actuals of every channel
    sell_through: int  # units sold in stores
    produced: int  # production actuals posted by factories


@dataclass(frozen=True)
class ShortageSummary:
    """Component shortages of the product in the latest MRP run (release week before the current week)."""

    count: int = 0
    worst_sku: str = ""
    worst_name: str = ""
    weeks_late: int = 0  # of the worst one


@dataclass
class MeetingRow:
    item: Item
    factory_codes: list[str]
    on_hand: int  # in warehouses
    available: int  # on hand minus reserved: where the projection starts
    capacity: int | None  # summed weekly capacity of its factories; None: no factory
    unit_cost: Decimal | None  # standard cost, CNY
    list_price: Decimal | None
    margin: Decimal | None  # (list price - unit cost) / list price, as a fraction
    last_week: LastWeekActuals
    shortages: ShortageSummary
    cells: list[MeetingCell]
    owner_roles: set[str] = field(default_factory=set)  # roles whose rows these are, for highlighting

    @property
    def has_shortfall(self) -> bool:
        return any(cell.projected < 0 for cell in self.cells)


@dataclass
class MeetingGrid:
    week: IsoWeek  # the meeting's week
    weeks: list[IsoWeek]  # the planned weeks, ``week`` first
    locked: bool
    schedule_number: int | None  # the schedule version whose planned production is shown
    previous_schedule_number: int | None  # last week's locked plan, compared against
    rows: list[MeetingRow]
