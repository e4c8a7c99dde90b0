"""Writes of the Excel engine: recording and running import runs."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get
from erp.excel.engine import ImportOutcome, run_import
from erp.models import ImportRun

logger = logging.getLogger(__name__)


def _progress_key(run_id: int) -> str:
    return f"excel-import-progress:{run_id}"


def import_run_progress(run: ImportRun) -> int:
    """Rows processed so far. The import's transaction hides its writes until it ends, so this lives in the cache."""
    if run.finished:
        return run.total_rows
    return int(cache.get(_progress_key(run.pk), 0))


def _check_permission(dataset, acting_user) -> None:
    if not dataset.can_import(acting_user):
        raise PermissionDenied(f"You may not import {dataset.name}.")


@transaction.atomic
def import_run_create(*, acting_user: Any, dataset_name: str, upload: UploadedFile, dry_run: bool) -> ImportRun:
    """Record an upload and run it now, or queue it when the file is large."""
    dataset = dataset_get(dataset_name)
    _check_permission(dataset, acting_user)
    limit = settings.EXCEL_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ApplicationError(
            f"The file is {upload.size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB.",
            {"fields": {"file": ["File too large."]}},
        )
    file_name = os.path.basename(upload.name or "upload.xlsx")[:255] or "upload.xlsx"
    run = ImportRun(dataset=dataset.name, file_name=file_name, dry_run=dry_run, created_by=acting_user)
    run.upload.save(file_name, upload, save=False)
    run.save()
    _start(run)
    return run


@transaction.atomic
def import_run_commit(*, acting_user: Any, run: ImportRun) -> ImportRun:
    """Import for real a file whose dry run came back clean."""
    dataset = dataset_get(run.dataset)
    _check_permission(dataset, acting_user)
    if not run.dry_run or run.status != ImportRun.Status.SUCCEEDED or run.error_count:
        raise ApplicationError("Only a dry run that finished without errors can be committed.", {"run": run.pk})
    if not run.upload:
        raise ApplicationError("The uploaded file of this dry run is no longer stored; upload it again.")
    committed = ImportRun.objects.create(
        dataset=run.dataset,
        file_name=run.file_name,
        upload=run.upload.name,
        dry_run=False,
        created_by=acting_user,
    )
    _start(committed)
    return committed


def _start(run: ImportRun) -> None:
    if run.upload.size > settings.EXCEL_BACKGROUND_BYTES:
        from erp.tasks import excel_import_run

        transaction.on_commit(lambda: excel_import_run.delay(run.pk))
    else:
        import_run_execute(run_id=run.pk)
        run.refresh_from_db()


def import_run_execute(*, run_id: int, path: str | None = None) -> ImportRun:
    """Run the import of ``run_id`` and record its outcome. The import is atomic on its own."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    if not claimed:
        return run  # another worker has it, or it already ran
    dataset = dataset_get(run.dataset)

    def progress(rows: int) -> None:
        cache.set(_progress_key(run.pk), rows, timeout=3600)

    try:
        outcome = run_import(
            dataset,
            path or run.upload.path,
            file_name=run.file_name,
            acting_user=run.created_by,
            dry_run=run.dry_run,
            progress=progress,
        )
    except Exception:
        # A bug, not bad data: the run must not stay "running" for ever; the traceback goes to the log.
        logger.exception("Import run %s failed", run.pk)
        outcome = ImportOutcome(dry_run=run.dry_run)
        outcome.add_error(None, None, "The import failed unexpectedly; nothing was written. The error was logged.")
    run.status = ImportRun.Status.SUCCEEDED if outcome.ok else ImportRun.Status.FAILED
    run.finished_at = timezone.now()
    run.total_rows = outcome.total_rows
    run.created_count, run.updated_count, run.unchanged_count = outcome.created, outcome.updated, outcome.unchanged
    run.error_count = outcome.error_count
    run.errors = outcome.errors
    run.warnings = outcome.warnings
    run.message = outcome.summary[:500]
    run.save()
    cache.delete(_progress_key(run.pk))
    return run


def import_run_record_local(*, acting_user: Any, dataset_name: str, path: str, dry_run: bool) -> ImportRun:
    """Import a file on this machine (the ``excel_import`` command): recorded like an upload, run inline."""
    dataset = dataset_get(dataset_name)
    run = ImportRun.objects.create(
        dataset=dataset.name,
        file_name=os.path.basename(path)[:255] or "upload.xlsx",
        dry_run=dry_run,
        created_by=acting_user,
    )
    return import_run_execute(run_id=run.pk, path=path)
