from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get, dataset_list
from erp.excel.engine import format_error
from erp.excel.services import import_run_record_local


class Command(BaseCommand):
    help = "Import an .xlsx file into a dataset: all rows or none. Exit 1 with the errors when anything is wrong."

    def add_arguments(self, parser):
        names = ", ".join(d.name for d in dataset_list())
        parser.add_argument("dataset", help=f"One of: {names}")
        parser.add_argument("file", help="The .xlsx workbook.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, dataset: str, file: str, dry_run: bool, **options):
        try:
            dataset_get(dataset)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not Path(file).is_file():
            raise CommandError(f"{file}: no such file.")
        run = import_run_record_local(acting_user=None, dataset_name=dataset, path=file, dry_run=dry_run)
        for warning in run.warnings:
            self.stderr.write(f"warning: {warning}")
        if run.error_count:
            for error in run.errors:
                self.stderr.write(format_error(error))
            if run.error_count > len(run.errors):
                self.stderr.write(f"... and {run.error_count - len(run.errors)} more errors.")
            raise CommandError(f"{file}: {run.message} (import run #{run.pk})")
        self.stdout.write(self.style.SUCCESS(f"{run.message} (import run #{run.pk})"))
