"""The excel_export and excel_import management commands."""

import csv
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from erp.models import ImportRun, Item
from tests.erp.excel_helpers import ITEM_COLUMNS, VALID_ITEM_ROWS, open_xlsx, xlsx_bytes
from tests.erp.factories import ItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

BAD_ITEM_ROWS = [
    ["sku", "name", "kind"],
    ["CP-OK", "Fine", "component"],
    ["CP-BAD", "Bad kind", "service"],
    ["CP-NONAME", "", "component"],
]


def _write(tmp_path: Path, rows, name="items.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return path


# --- excel_export ---------------------------------------------------------------------


def test_export_writes_a_readable_xlsx(tmp_path):
    ProductFactory(sku="TP-X1", name="=cmd|' /C calc'!A0")
    ItemFactory(sku="CP-SCREW", name="Screw")
    path = tmp_path / "items.xlsx"
    out = StringIO()
    call_command("excel_export", "items", str(path), stdout=out)
    assert f"Exported 2 items rows to {path}." in out.getvalue()
    rows = list(open_xlsx(path.read_bytes())["items"].iter_rows(values_only=True))
    assert list(rows[0]) == ITEM_COLUMNS
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        ("CP-SCREW", "Screw", "component"),
        ("TP-X1", "'=cmd|' /C calc'!A0", "product"),
    ]


def test_export_writes_csv_by_the_extension(tmp_path):
    ProductFactory(sku="TP-X1", name="+SUM(1)")
    path = tmp_path / "items.CSV"
    call_command("excel_export", "items", str(path), stdout=StringIO())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff" + ",".join(ITEM_COLUMNS))
    rows = list(csv.reader(StringIO(text.lstrip("\ufeff"))))
    assert [row[:3] for row in rows[1:]] == [["TP-X1", "'+SUM(1)", "product"]]


def test_export_of_an_empty_dataset_is_just_the_header(tmp_path):
    path = tmp_path / "fx.xlsx"
    out = StringIO()
    call_command("excel_export", "fx-rates", str(path), stdout=out)
    assert "Exported 0 fx-rates rows" in out.getvalue()
    assert list(open_xlsx(path.read_bytes())["fx-rates"].iter_rows(values_only=True)) == [
        ("currency", "date", "rate", "source")
    ]


def test_export_refuses_an_unknown_dataset_or_extension(tmp_path):
    with pytest.raises(CommandError, match="Unknown dataset 'widgets'"):
        call_command("excel_export", "widgets", str(tmp_path / "w.xlsx"))
    with pytest.raises(CommandError, match=r"use a \.xlsx or \.csv file name"):
        call_command("excel_export", "items", str(tmp_path / "items.xls"))
    assert not (tmp_path / "w.xlsx").exists() and not (tmp_path / "items.xls").exists()


def test_export_csv_into_a_missing_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command("excel_export", "items", str(tmp_path / "nowhere" / "items.csv"))


def test_export_xlsx_into_a_missing_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("excel_export", "items", str(tmp_path / "nowhere" / "items.xlsx"))


# --- excel_import ---------------------------------------------------------------------


def test_import_creates_rows_and_records_a_run_without_a_user(tmp_path):
    path = _write(tmp_path, VALID_ITEM_ROWS)
    out, err = StringIO(), StringIO()
    call_command("excel_import", "items", str(path), stdout=out, stderr=err)
    run = ImportRun.objects.get()
    assert out.getvalue().strip() == f"3 rows: 3 were created, 0 were updated, 0 unchanged. (import run #{run.pk})"
    assert err.getvalue() == ""
    assert sorted(Item.objects.values_list("sku", flat=True)) == ["CP-GLUE", "CP-SCREW-M2", "TP-X1"]
    assert run.created_by is None and not run.dry_run
    assert (run.status, run.file_name, run.created_count) == (ImportRun.Status.SUCCEEDED, "items.xlsx", 3)
    assert not run.upload  # a local file is not copied into storage
    history = Item.objects.get(sku="TP-X1").history.get()
    assert history.history_user is None and history.history_change_reason == "excel import: items"


def test_import_dry_run_writes_nothing(tmp_path):
    path = _write(tmp_path, VALID_ITEM_ROWS)
    out = StringIO()
    call_command("excel_import", "items", str(path), "--dry-run", stdout=out)
    assert "3 rows: 3 would be created" in out.getvalue()
    assert not Item.objects.exists()
    assert ImportRun.objects.get().dry_run is True


def test_import_of_a_bad_file_lists_the_errors_and_writes_nothing(tmp_path):
    path = _write(tmp_path, BAD_ITEM_ROWS)
    err = StringIO()
    with pytest.raises(CommandError, match=r"2 error\(s\); nothing was written\. \(import run #\d+\)"):
        call_command("excel_import", "items", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "row 3, column `kind`: 'service' is not one of: product, assembly, component",
        "row 4, column `name`: is required",
    ]
    assert not Item.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_import_refuses_unknown_dataset_missing_file_and_non_workbooks(tmp_path):
    path = _write(tmp_path, VALID_ITEM_ROWS)
    with pytest.raises(CommandError, match="Unknown dataset 'widgets'"):
        call_command("excel_import", "widgets", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("excel_import", "items", str(tmp_path / "missing.xlsx"))
    assert not ImportRun.objects.exists()
    text = tmp_path / "items.csv"
    text.write_text("sku,name,kind\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("excel_import", "items", str(text), stderr=err)
    assert "not an .xlsx workbook" in err.getvalue()


def test_export_then_import_round_trips_unchanged(tmp_path):
    ProductFactory(sku="TP-X1", name="-minus", description="two\nlines")
    ItemFactory(sku="CP-1", name="@at", family="Screws")
    path = tmp_path / "items.xlsx"
    call_command("excel_export", "items", str(path), stdout=StringIO())
    out = StringIO()
    call_command("excel_import", "items", str(path), stdout=out)
    assert "2 rows: 0 were created, 0 were updated, 2 unchanged." in out.getvalue()
    assert Item.objects.get(sku="TP-X1").name == "-minus"


# --- the real process -----------------------------------------------------------------


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_manage_py_excel_import_exit_codes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cmd.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"))
    migrate = _manage(env, "migrate", "-v0")
    assert migrate.returncode == 0, migrate.stderr

    bad = _manage(env, "excel_import", "items", str(_write(tmp_path, BAD_ITEM_ROWS, "bad.xlsx")))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "row 3, column `kind`" in bad.stderr
    assert "CommandError: " in bad.stderr and "2 error(s); nothing was written." in bad.stderr
    assert "Traceback" not in bad.stderr

    good = _manage(env, "excel_import", "items", str(_write(tmp_path, VALID_ITEM_ROWS, "good.xlsx")))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "3 were created" in good.stdout

    again = _manage(env, "excel_import", "items", str(tmp_path / "good.xlsx"), "--dry-run")
    assert again.returncode == 0
    assert "0 would be created, 0 would be updated, 3 unchanged" in again.stdout
