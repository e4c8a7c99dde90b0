"""Thin Celery tasks of the kernel: ids in, services or selectors do the work."""

import socket

from celery import shared_task

from erp.models import Item


@shared_task(name="erp.worker_check")
def worker_check(expected_sku: str) -> dict:
    """Round trip through a worker: proves it runs Tempo's code against Tempo's database."""
    return {
        "worker": socket.gethostname(),
        "item_exists": Item.objects.filter(sku=expected_sku).exists(),
        "items": Item.objects.count(),
    }


@shared_task(name="erp.excel_import_run")
def excel_import_run(run_id: int) -> None:
    from erp.excel.services import import_run_execute

    import_run_execute(run_id=run_id)
