"""The import pipeline and its defences: every bad file is refused with a clear
message naming row and column, and leaves the database as it was."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from erp.excel.columns import CellError, DateColumn, DecimalColumn, IntegerColumn, TextColumn, escape_formula
from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from erp.models import FxRate, Item, Price
from tests.erp.excel_helpers import ITEM_COLUMNS
from tests.erp.factories import ItemFactory, PriceFactory, ProductFactory

pytestmark = pytest.mark.django_db

ITEM_HEADER = ["sku", "name", "kind", "unit", "lifecycle_status", "batch_multiple", "family", "description"]


def write_workbook(tmp_path, rows, *, sheet="items", name="upload.xlsx"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def run(dataset, path, user=None, dry_run=False, file_name=None):
    return run_import(
        dataset_get(dataset), path, file_name=file_name or path.rsplit("/", 1)[-1], acting_user=user, dry_run=dry_run
    )


def db_state():
    return (
        list(Item.objects.order_by("pk").values_list()),
        list(Price.objects.order_by("pk").values_list()),
        list(FxRate.objects.order_by("pk").values_list()),
        Item.history.count(),
    )


def messages(outcome):
    return [format_error(error) for error in outcome.errors]


# --- columns --------------------------------------------------------------------------


def test_cell_parsing_messages_are_plain():
    decimal = DecimalColumn("unit_price", decimal_places=2, min_value=Decimal("0.01"))
    with pytest.raises(CellError, match="'abc' is not a number"):
        decimal.parse("abc")
    with pytest.raises(CellError, match="more than 2 decimal places"):
        decimal.parse(1.234)
    with pytest.raises(CellError, match="below the minimum"):
        decimal.parse(0)
    for bad in ["NaN", "1e30", "１０", "1_000", float("nan"), float("inf"), True]:
        with pytest.raises(CellError):
            decimal.parse(bad)
    assert decimal.parse(7.1) == Decimal("7.10")
    assert decimal.parse("2,999.5") == Decimal("2999.50")
    integer = IntegerColumn("qty", min_value=1, max_value=10)
    assert integer.parse(3.0) == 3
    for bad in [3.5, "3.5", "x", True, 0, 11]:
        with pytest.raises(CellError):
            integer.parse(bad)
    assert DateColumn("d").parse("2026-01-31") == date(2026, 1, 31)
    with pytest.raises(CellError, match="not a date"):
        DateColumn("d").parse("31/01/2026")
    with pytest.raises(CellError, match="is required"):
        TextColumn("name", required=True).parse("  ")
    with pytest.raises(CellError, match="invisible character"):
        TextColumn("name").parse("bell\u0007")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2))
def test_decimal_cells_round_trip_through_a_float(value):
    # Excel stores numbers as doubles; what the person typed must come back exactly.
    assert DecimalColumn("p", decimal_places=2).parse(float(value)) == value


@given(st.text(max_size=30))
def test_escaped_text_is_never_a_formula(text):
    assert not escape_formula(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=30).map(str.strip))
def test_escaped_text_reads_back_as_written(text):
    assert TextColumn("t").parse(escape_formula(text)) == text


# --- happy paths ----------------------------------------------------------------------


def test_items_upsert_counts_and_history(tmp_path, procurement_user):
    ItemFactory(sku="CP-OLD", name="Old name")
    ItemFactory(sku="CP-SAME", name="Same", batch_multiple=1)
    path = write_workbook(
        tmp_path,
        [
            ITEM_HEADER,
            ["cp-new", "New part", "component", "pcs", "active", 100, "", ""],
            ["CP-OLD", "New name", "component", "pcs", "active", 1, None, None],
            ["CP-SAME", "Same", "component", "pcs", "active", 1, None, None],
            [None, None, None, None, None, None, None, None],  # blank rows are skipped
        ],
    )
    dry = run("items", path, procurement_user, dry_run=True)
    assert (dry.ok, dry.created, dry.updated, dry.unchanged) == (True, 1, 1, 1)
    assert not Item.objects.filter(sku="CP-NEW").exists()

    done = run("items", path, procurement_user)
    assert done.ok and done.written, messages(done)
    assert Item.objects.get(sku="CP-NEW").batch_multiple == 100
    old = Item.objects.get(sku="CP-OLD")
    assert old.name == "New name"
    assert old.history.latest().history_user == procurement_user
    assert old.history.latest().history_change_reason == "excel import: items"
    assert Item.objects.get(sku="CP-NEW").history.get().history_type == "+"

    again = run("items", path, procurement_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_optional_columns_may_be_left_out(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-MIN", "Minimal", "Component"]])
    outcome = run("items", path, procurement_user)
    assert outcome.ok, messages(outcome)
    item = Item.objects.get(sku="CP-MIN")
    assert (item.kind, item.unit, item.batch_multiple) == ("component", "pcs", 1)


def test_one_bad_row_writes_nothing(tmp_path, procurement_user):
    before = db_state()
    path = write_workbook(
        tmp_path,
        [ITEM_HEADER]
        + [[f"CP-{n}", f"Part {n}", "component", "pcs", "active", 1, "", ""] for n in range(4500)]
        + [["CP-BAD", "Bad", "component", "pcs", "active", "abc", "", ""]],
    )
    outcome = run("items", path, procurement_user)
    assert not outcome.ok and not outcome.written
    assert messages(outcome) == ["row 4502, column `batch_multiple`: 'abc' is not a whole number"]
    assert outcome.created == 4500  # counted, then rolled back
    assert db_state() == before


def test_prices_resolve_skus_and_check_periods(tmp_path, sales_user):
    phone = ProductFactory(sku="TP-A")
    ProductFactory(sku="TP-B")
    ItemFactory(sku="CP-SCREW")
    PriceFactory(item=phone, valid_from=date(2026, 1, 1), valid_to=date(2026, 3, 31))
    header = ["sku", "valid_from", "valid_to", "list_price", "retailer_price", "note"]
    before = db_state()
    bad = write_workbook(
        tmp_path,
        [
            header,
            ["TP-A", date(2026, 3, 1), None, 100, 90, ""],  # overlaps the stored period
            ["TP-B", "2026-01-01", "2026-06-30", 100, 90, ""],
            ["TP-B", "2026-06-01", None, 100, 90, ""],  # overlaps row 3
            ["TP-B", "2026-07-01", "2026-06-30", 100, 90, ""],  # ends before it starts
            ["TP-NOPE", "2026-01-01", None, 100, 90, ""],
            ["CP-SCREW", "2026-01-01", None, 100, 90, ""],
            ["TP-B", "2027-01-01", None, 100, 120, ""],  # retailer above list
            ["TP-B", "2026-01-01", None, 100, 90, ""],  # duplicate key of row 3
        ],
        sheet="prices",
    )
    outcome = run("prices", bad, sales_user)
    assert messages(outcome) == [
        "row 2, column `valid_from`: overlaps a stored period of TP-A (2026-01-01 to 2026-03-31)",
        "row 4, column `valid_from`: overlaps row 3 of TP-B (2026-01-01 to 2026-06-30)",
        "row 5, column `valid_to`: is before valid_from",
        "row 6, column `sku`: no item has the SKU 'TP-NOPE'",
        "row 7, column `sku`: CP-SCREW is a component; only products have list prices",
        "row 8, column `retailer_price`: is above the list price",
        "row 9, column `sku`: repeats the key TP-B / 2026-01-01 of row 3",
    ]
    assert db_state() == before

    good = write_workbook(
        tmp_path,
        [
            header,
            ["TP-A", date(2026, 1, 1), date(2026, 3, 31), 120, 100, "raised"],
            ["TP-A", "2026-04-01", None, 99, 90, ""],
        ],
        sheet="prices",
        name="good.xlsx",
    )
    outcome = run("prices", good, sales_user)
    assert outcome.ok and (outcome.created, outcome.updated) == (1, 1), messages(outcome)
    assert Price.objects.get(item=phone, valid_from=date(2026, 1, 1)).list_price == Decimal("120.00")


def test_fx_rates_upsert_by_currency_and_day(tmp_path, finance_user):
    header = ["currency", "date", "rate", "source"]
    path = write_workbook(
        tmp_path,
        [header, ["usd", date(2026, 11, 2), 7.1234, "bank"], ["EUR", "2026-11-02", "7.7", ""]],
        sheet="fx-rates",
    )
    assert run("fx-rates", path, finance_user).ok
    assert FxRate.objects.get(currency="USD").rate == Decimal("7.12340000")
    bad = write_workbook(
        tmp_path,
        [header, ["CNY", "2026-11-02", 1, ""], ["XYZ", "2026-11-02", 1, ""], ["USD", "2026-11-03", 2000000, ""]],
        sheet="fx-rates",
        name="bad.xlsx",
    )
    assert messages(run("fx-rates", bad, finance_user)) == [
        "row 2, column `currency`: CNY is the base currency; its rate is always 1",
        "row 3, column `currency`: 'XYZ' is not a currency Tempo knows",
        "row 4, column `rate`: 2000000.00000000 is above the maximum of 1000000",
    ]


def test_a_product_with_prices_cannot_become_a_component(tmp_path, procurement_user):
    PriceFactory(item=ProductFactory(sku="TP-P"))
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["TP-P", "Phone", "component"]])
    assert messages(run("items", path, procurement_user)) == [
        "row 2, column `kind`: this product has list prices, so it must stay a product"
    ]


# --- bad headers and cells ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["name", "kind"], ["row 1, column `sku`: is missing from the header"]),
        (
            ["SKU", "Name", "Kind", "colour"],
            ["row 1, column `colour`: is not a column of items; expected: " + ", ".join(ITEM_COLUMNS)],
        ),
        (["sku", "name", "kind", "sku"], ["row 1, column `sku`: appears twice in the header"]),
        (
            ["sku_code", "name", "kind"],
            [
                "row 1, column `sku_code`: is not a column of items; expected: " + ", ".join(ITEM_COLUMNS),
                "row 1, column `sku`: is missing from the header",
            ],
        ),
    ],
)
def test_header_problems(tmp_path, procurement_user, header, expected):
    path = write_workbook(tmp_path, [header, ["CP-1", "x", "component", "x"]])
    assert messages(run("items", path, procurement_user)) == expected
    assert not Item.objects.exists()


def test_cell_problems_name_row_and_column(tmp_path, procurement_user):
    path = write_workbook(
        tmp_path,
        [
            ITEM_HEADER,
            ["", "No sku", "component", "pcs", "active", 1, "", ""],
            ["CP-1", "", "gadget", "pcs", "active", 0, "", ""],
            ["CP-2", "x" * 201, "component", "barrel", "active", 1, "", ""],
            ["CP 3", "Ok", "component", "pcs", "active", 1, "", ""],
        ],
    )
    assert messages(run("items", path, procurement_user)) == [
        "row 2, column `sku`: is required",
        "row 3, column `name`: is required",
        "row 3, column `kind`: 'gadget' is not one of: product, assembly, component",
        "row 3, column `batch_multiple`: 0 is below the minimum of 1",
        "row 4, column `name`: is 201 characters long; at most 200 are allowed",
        "row 4, column `unit`: 'barrel' is not one of: pcs, set, kg, g, m, mm, l, ml, roll, pack",
        "row 5, column `sku`: 'CP 3' is not valid: upper-case letters, digits, '.', '_' or '-'",
    ]


def test_duplicates_within_the_file(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-1", "a", "component"], ["cp-1", "b", "component"]])
    assert messages(run("items", path, procurement_user)) == ["row 3, column `sku`: repeats the key CP-1 of row 2"]


def test_empty_sheet_and_header_only(tmp_path, procurement_user):
    assert messages(run("items", write_workbook(tmp_path, []), procurement_user)) == [
        "row 1: The sheet is empty: the first row must hold the column names."
    ]
    assert messages(run("items", write_workbook(tmp_path, [ITEM_HEADER], name="h.xlsx"), procurement_user)) == [
        "The sheet has a header row but no data rows."
    ]


# --- hostile files --------------------------------------------------------------------


def test_wrong_extension_and_not_a_workbook(tmp_path, procurement_user):
    csv = tmp_path / "items.csv"
    csv.write_text("sku,name,kind\nCP-1,a,component\n")
    assert "not an .xlsx workbook" in messages(run("items", str(csv), procurement_user))[0]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("sku,name\n")
    assert "is not an Excel workbook" in messages(run("items", str(fake), procurement_user))[0]
    plain_zip = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "is a zip file but not an Excel workbook" in messages(run("items", str(plain_zip), procurement_user))[0]
    assert not Item.objects.exists()


def test_size_limit(tmp_path, procurement_user, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1000
    path = write_workbook(tmp_path, [ITEM_HEADER, ["CP-1", "a", "component", "pcs", "active", 1, "", ""]])
    assert "the limit is" in messages(run("items", path, procurement_user))[0]


def _rewrite(path, part, transform):
    """Copy the workbook at ``path`` with one part's bytes transformed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, transform(data) if info.filename == part else data)
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def test_zip_bomb_is_refused_before_parsing(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [ITEM_HEADER, ["CP-1", "a", "component", "pcs", "active", 1, "", ""]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))  # ~1000:1
    assert "possible zip bomb" in messages(run("items", path, procurement_user))[0]
    assert not Item.objects.exists()


def test_total_unpacked_size_is_limited(tmp_path, procurement_user, settings):
    settings.EXCEL_MAX_UNCOMPRESSED_BYTES = 10_000
    path = write_workbook(tmp_path, [ITEM_HEADER] + [[f"CP-{n}", "a", "component"] for n in range(200)])
    assert "would unpack to" in messages(run("items", path, procurement_user))[0]


def test_xml_entity_declarations_are_refused(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [ITEM_HEADER, ["CP-1", "a", "component", "pcs", "active", 1, "", ""]])
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda data: bomb + data)
    assert "declares XML entities" in messages(run("items", path, procurement_user))[0]
    assert not Item.objects.exists()


def test_a_sheet_spanning_the_whole_grid_is_refused_before_the_reader_opens_it(tmp_path, procurement_user):
    # Cells in A1 and XFD1048576 make the Rust reader allocate the whole grid and abort the process.
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-1", "a", "component"]])
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(b"</sheetData>", far, 1))
    assert "1,048,576 rows x 16,384 columns" in messages(run("items", path, procurement_user))[0]


def test_formulas_import_their_saved_value_with_a_warning(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [["sku", "name", "kind", "batch_multiple"], ["CP-F", "Formula", "component", 1]])
    # As Excel saves it: the formula and the value it computed.
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b'<c r="D2" t="n"><v>1</v></c>', b'<c r="D2"><f>20*50</f><v>1000</v></c>'),
    )
    outcome = run("items", path, procurement_user)
    assert outcome.ok, messages(outcome)
    assert outcome.warnings == ["The workbook contains formulas: their values as last saved by Excel were imported."]
    assert Item.objects.get(sku="CP-F").batch_multiple == 1000


def test_exported_formula_like_text_round_trips_unchanged(tmp_path, procurement_user):
    ItemFactory(sku="CP-EVIL", name='=HYPERLINK("http://evil.example","click")', description="@SUM(A1)")
    dataset = dataset_get("items")
    from erp.excel.writer import write_xlsx

    path = str(tmp_path / "export.xlsx")
    write_xlsx(path, dataset, dataset.export_rows(dataset.export_queryset()))
    from openpyxl import load_workbook

    cell = load_workbook(path)["items"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
    outcome = run("items", path, procurement_user)
    assert outcome.ok and outcome.unchanged == 1, messages(outcome)


def test_openpyxl_parses_through_defusedxml(tmp_path):
    # The annotated copy of an upload is made with openpyxl: it must refuse entity declarations on its own too.
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    path = write_workbook(tmp_path, [["sku"], ["CP-1"]])
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "boom">]>'
            + data.split(b"?>", 1)[-1].replace(b"CP-1", b"&a;")
        ),
    )
    with pytest.raises(Exception, match=r"(?i)entit|unable to read"):
        load_workbook(path)


@pytest.mark.parametrize(
    "far",
    [
        b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",  # single quotes
        b'<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>',  # spaces around =
        b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',  # lower-case reference
        b"<row>" + b"<c><v>1</v></c>" * 300 + b'</row><row r="1048576"><c r="A1048576"><v>1</v></c></row>',
        b'<x:row r="1048576" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    ],
)
def test_sheets_the_extent_check_cannot_read_are_refused(tmp_path, procurement_user, far):
    # Each of these made the Rust reader allocate the whole grid and abort the process.
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-1", "a", "component"]])
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(b"</sheetData>", far + b"</sheetData>", 1))
    outcome = run("items", path, procurement_user)
    assert not outcome.ok
    assert any(word in messages(outcome)[0] for word in ("without a plain", "namespace prefixes", "spans")), messages(
        outcome
    )


def test_a_sheet_stored_under_another_name_is_still_checked(tmp_path, procurement_user):
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-1", "a", "component"]])
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                target.writestr("xl/data/s.dat", data.replace(b"</sheetData>", far, 1))
                continue
            target.writestr(info, data.replace(b"worksheets/sheet1.xml", b"data/s.dat"))
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())
    assert "spans 1,048,576 rows x 16,384 columns" in messages(run("items", path, procurement_user))[0]


def test_excel_error_values_are_refused_not_read_as_blank(tmp_path, sales_user):
    ProductFactory(sku="TP-E")
    header = ["sku", "valid_from", "valid_to", "list_price", "retailer_price"]
    path = write_workbook(tmp_path, [header, ["TP-E", "2026-01-01", "2026-12-31", 10, 9]], sheet="prices")
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<c r="C2"[^>]*>.*?</c>', b'<c r="C2" t="e"><v>#N/A</v></c>', data, count=1),
    )
    assert "Cells C2 hold Excel error values" in messages(run("prices", path, sales_user))[0]
    assert not Price.objects.exists()


def test_case_pack_is_an_optional_column(tmp_path, procurement_user):
    ItemFactory(sku="CP-PACKED", case_pack=20)
    header = ["sku", "name", "kind", "case_pack"]
    outcome = run(
        "items",
        write_workbook(
            tmp_path, [header, ["CP-PACKED", "Packed", "component", 50], ["CP-NEWPACK", "New", "component", None]]
        ),
        procurement_user,
    )
    assert (outcome.updated, outcome.created) == (1, 1), messages(outcome)
    assert dict(Item.objects.values_list("sku", "case_pack")) == {"CP-PACKED": 50, "CP-NEWPACK": 1}
    outcome = run("items", write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-PACKED", "Packed", "component"]]))
    assert outcome.unchanged == 1 and Item.objects.get(sku="CP-PACKED").case_pack == 50
    bad = run("items", write_workbook(tmp_path, [header, ["CP-PACKED", "Packed", "component", 0]]), procurement_user)
    assert messages(bad) == ["row 2, column `case_pack`: 0 is below the minimum of 1"]


def test_columns_left_out_keep_the_stored_values(tmp_path, procurement_user, sales_user):
    item = ItemFactory(
        sku="CP-KEEP", unit="set", lifecycle_status="phase_out", batch_multiple=500, family="Phones", description="kept"
    )
    outcome = run(
        "items",
        write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-KEEP", "Renamed", "component"]]),
        procurement_user,
    )
    assert (outcome.updated, outcome.created) == (1, 0), messages(outcome)
    item.refresh_from_db()
    assert (item.name, item.unit, item.lifecycle_status, item.batch_multiple, item.family, item.description) == (
        "Renamed",
        "set",
        "phase_out",
        500,
        "Phones",
        "kept",
    )
    price = PriceFactory(item=ProductFactory(sku="TP-K"), valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    header = ["sku", "valid_from", "list_price", "retailer_price"]
    outcome = run(
        "prices",
        write_workbook(tmp_path, [header, ["TP-K", "2026-01-01", 3000, 2700]], sheet="prices", name="p.xlsx"),
        sales_user,
    )
    assert outcome.ok, messages(outcome)
    price.refresh_from_db()
    assert (price.valid_to, price.list_price) == (date(2026, 6, 30), Decimal("3000.00"))


def test_text_that_looks_like_an_excel_escape_round_trips(tmp_path, procurement_user):
    ItemFactory(sku="CP-ESC", name="n_x0041_ & <b>")
    from erp.excel.writer import write_xlsx

    dataset = dataset_get("items")
    path = str(tmp_path / "export.xlsx")
    write_xlsx(path, dataset, dataset.export_rows(dataset.export_queryset()))
    outcome = run("items", path, procurement_user)
    assert outcome.ok and outcome.unchanged == 1, messages(outcome)


def test_a_database_refusal_rolls_everything_back_with_a_message(tmp_path, procurement_user, monkeypatch):
    ItemFactory(sku="CP-TAKEN")
    dataset = dataset_get("items")
    # As if another import had created CP-TAKEN between our check and our write.
    monkeypatch.setattr(type(dataset), "existing", lambda self, rows: {})
    path = write_workbook(
        tmp_path, [["sku", "name", "kind"], ["CP-NEW", "n", "component"], ["CP-TAKEN", "t", "component"]]
    )
    before = db_state()
    outcome = run("items", path, procurement_user)
    assert not outcome.written
    assert messages(outcome)[0].startswith("The database refused the data:")
    assert db_state() == before


def test_an_unexpected_failure_marks_the_run_failed(tmp_path, procurement_user, monkeypatch):
    from erp.excel import services
    from erp.models import ImportRun

    monkeypatch.setattr(services, "run_import", lambda *args, **kwargs: 1 / 0)
    path = write_workbook(tmp_path, [["sku", "name", "kind"], ["CP-1", "n", "component"]])
    run_ = services.import_run_record_local(
        acting_user=procurement_user, dataset_name="items", path=path, dry_run=False
    )
    assert run_.status == ImportRun.Status.FAILED
    assert run_.message == "1 error(s); nothing was written."
    assert run_.errors[0]["message"].startswith("The import failed unexpectedly")


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_splitting_a_stored_period_works_in_any_row_order(tmp_path, sales_user, order):
    PriceFactory(item=ProductFactory(sku="TP-SPLIT"), valid_from=date(2026, 1, 1), valid_to=None)
    rows = [["TP-SPLIT", "2026-01-01", "2026-01-31", 100, 90], ["TP-SPLIT", "2026-02-01", None, 90, 80]]
    header = ["sku", "valid_from", "valid_to", "list_price", "retailer_price"]
    path = write_workbook(tmp_path, [header, rows[order[0]], rows[order[1]]], sheet="prices")
    outcome = run("prices", path, sales_user)
    assert outcome.ok and (outcome.created, outcome.updated) == (1, 1), messages(outcome)
