"""MRP's part of ``seed_demo``: one run over the demo schedule and stock, so the shortage pages have
numbers from the first login. Registered last among logistics' demo steps. Idempotent."""

from logistics.models import MrpRun
from logistics.services.mrp import mrp_run_execute, mrp_run_request


def seed_mrp(*, scale: str) -> str:
    if MrpRun.objects.filter(status=MrpRun.Status.DONE).exists():
        return ""
    run = mrp_run_execute(run_id=mrp_run_request(reason="demo data").pk)
    return f"an MRP run: {run.part_count} parts, {run.shortage_count} shortages"
