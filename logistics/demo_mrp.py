"""MRP's part of ``seed_demo``: one run over the demo schedule and stock, so the shortage pages have
numbers from the first login. Registered last among logistics' demo steps. Idempotent.

The demo launch plans about a million phones in twelve weeks, far more than the opening stock.
Before the run, the factory store is topped up so that every part is covered through its own lead
time, as a well-run supply chain would be, except the screens: their long lead times (display
modules 6 weeks, LCD panels 13) were outrun by the ramp. That is the shortage the demo tells.
"""

from erp.models import Item
from logistics.models import Location, MrpRun, StockMoveReason
from logistics.selectors.mrp import mrp_compute
from logistics.selectors.mrp_math import lead_weeks
from logistics.services.mrp import mrp_run_execute, mrp_run_request
from logistics.services.stock import StockMoveInput, stock_moves_post
from procurement.models import ComponentProfile

SHORT_CATEGORY = "screen"
TOP_UP_STORE = "FS-FXN"
TOP_UP_ROUNDING = 1000


def _top_up() -> int:
    store = Location.objects.filter(code=TOP_UP_STORE).first()
    if store is None:
        return 0
    result = mrp_compute()
    items = Item.objects.in_bulk(list(result.parts))
    screens = set(
        ComponentProfile.objects.filter(item_id__in=list(result.parts), category=SHORT_CATEGORY).values_list(
            "item_id", flat=True
        )
    )
    moves = []
    for part in result.parts.values():
        if part.item_id in screens:
            continue
        covered = lead_weeks(part.lead_time_days) + 1
        missing = sum(part.gross[:covered]) - part.on_hand - sum(part.scheduled[:covered])
        if missing > 0:
            quantity = -(-missing // TOP_UP_ROUNDING) * TOP_UP_ROUNDING
            moves.append(
                StockMoveInput(
                    item=items[part.item_id],
                    qty=quantity,
                    reason=StockMoveReason.OPENING,
                    to_location=store,
                    reference="demo: covered through lead time",
                )
            )
    if moves:
        stock_moves_post(acting_user=None, moves=moves)
    return len(moves)


def seed_mrp(*, scale: str) -> str:
    if MrpRun.objects.filter(status=MrpRun.Status.DONE).exists():
        return ""
    topped_up = _top_up()
    run = mrp_run_execute(run_id=mrp_run_request(reason="demo data").pk)
    return f"{topped_up} parts topped up, an MRP run: {run.part_count} parts, {run.shortage_count} shortages"
