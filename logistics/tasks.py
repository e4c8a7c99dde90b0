"""Thin Celery tasks of logistics: ids in, services do the work."""

from celery import shared_task


@shared_task(name="logistics.mrp_run")
def mrp_run_task(run_id: int) -> None:
    from logistics.services.mrp import mrp_run_execute, mrp_run_fail

    try:
        mrp_run_execute(run_id=run_id)
    except Exception as error:  # the run records why it failed; the page shows it
        mrp_run_fail(run_id=run_id, error=f"{type(error).__name__}: {error}")
        raise
