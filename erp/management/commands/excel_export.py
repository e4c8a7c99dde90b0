from pathlib import Path

import xlsxwriter.exceptions
from django.core.management.base import BaseCommand, CommandError

from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get, dataset_list
from erp.excel.writer import iter_csv, write_xlsx


class Command(BaseCommand):
    help = "Export a dataset to an .xlsx (or .csv) file."

    def add_arguments(self, parser):
        names = ", ".join(d.name for d in dataset_list())
        parser.add_argument("dataset", help=f"One of: {names}")
        parser.add_argument("file", help="Where to write; .xlsx or .csv by its extension.")

    def handle(self, *args, dataset: str, file: str, **options):
        try:
            target = dataset_get(dataset)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        path = Path(file)
        if path.suffix.lower() not in {".xlsx", ".csv"}:
            raise CommandError(f"{file}: use a .xlsx or .csv file name.")
        rows = target.export_rows(target.export_queryset())
        try:
            if path.suffix.lower() == ".csv":
                with path.open("w", encoding="utf-8", newline="") as handle:
                    lines = 0
                    for line in iter_csv(target, rows):
                        handle.write(line)
                        lines += 1
                    count = lines - 1  # less the header
            else:
                count = write_xlsx(str(path), target, rows)
        except (OSError, xlsxwriter.exceptions.FileCreateError) as error:
            raise CommandError(f"{file}: cannot write the file ({error})") from error
        self.stdout.write(self.style.SUCCESS(f"Exported {count} {target.name} rows to {file}."))
