"""A streaming writer for one-sheet data workbooks: exports at tens of thousands of rows a second
in constant memory.

XlsxWriter (used for templates, which need comments and dropdowns) spends about 10 µs
a cell in Python, which caps a 10-column export near 12,000 rows/s on this machine;
the target is 20,000. A data export needs little of what it offers: one sheet, a bold
frozen header, column widths, an autofilter and a handful of number formats. This
module writes exactly that SpreadsheetML, row by row, straight into the zip stream.
Figures and the decision are in docs/excel.md.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

_EPOCH = date(1899, 12, 30)
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SheetColumn:
    name: str
    width: int = 14
    number_format: str | None = None  # e.g. "#,##0.00", "yyyy-mm-dd", "0"


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str) -> str:
    if "_x" in value:
        # Text that already looks like Excel's _xHHHH_ escape must survive the round trip literally.
        value = _LITERAL_ESCAPE.sub(r"_x005F_\1", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not value.isprintable() and _ILLEGAL.search(value):
        # XML 1.0 cannot carry these; Excel's own escape keeps them visible.
        value = _ILLEGAL.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    return value


def _styles(columns: list[SheetColumn]) -> tuple[str, list[int]]:
    """styles.xml, and the cell style index of each column (0 = general)."""
    formats: dict[str, int] = {}
    for column in columns:
        if column.number_format and column.number_format not in formats:
            formats[column.number_format] = 164 + len(formats)
    num_fmts = "".join(f'<numFmt numFmtId="{fmt_id}" formatCode="{_text(code)}"/>' for code, fmt_id in formats.items())
    # xf 0: general; xf 1: header (bold, shaded, bottom border); xf 2+: one per number format.
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>',
    ]
    xf_of_format = {}
    for code, fmt_id in formats.items():
        xf_of_format[code] = len(xfs)
        xfs.append(f'<xf numFmtId="{fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>')
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF5"/><bgColor indexed="64"/></patternFill></fill>'
        "</fills>"
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    return styles, [xf_of_format.get(column.number_format or "", 0) for column in columns]


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)


def write_sheet(target: str | IO[bytes], sheet_name: str, columns: list[SheetColumn], rows: Iterable[list[Any]]) -> int:
    """Write one sheet of ``rows`` under a bold, frozen header; return the number of data rows."""
    styles, column_styles = _styles(columns)
    letters = [column_letters(index) for index in range(len(columns))]
    last = letters[-1]
    name = _text(sheet_name[:31])
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", styles)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            out: list[str] = []
            write = out.append

            def flush() -> None:
                raw.write("".join(out).encode("utf-8"))
                out.clear()

            widths = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{column.width}" customWidth="1"/>'
                for i, column in enumerate(columns)
            )
            write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                "</sheetView></sheetViews>"
                f"<cols>{widths}</cols><sheetData>"
                '<row r="1">'
                + "".join(
                    f'<c r="{letters[i]}1" s="1" t="inlineStr"><is><t>{_text(column.name)}</t></is></c>'
                    for i, column in enumerate(columns)
                )
                + "</row>"
            )
            for count, values in enumerate(rows, start=1):
                number = count + 1
                cells = [f'<row r="{number}">']
                for index, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    ref = f"{letters[index]}{number}"
                    style = column_styles[index]
                    style_attr = f' s="{style}"' if style else ""
                    if isinstance(value, str):
                        cells.append(
                            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
                        )
                    elif isinstance(value, bool):
                        cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    elif isinstance(value, int | Decimal | float):
                        cells.append(f'<c r="{ref}"{style_attr}><v>{value}</v></c>')
                    elif isinstance(value, datetime):
                        serial = (value.date() - _EPOCH).days + (
                            value.hour * 3600 + value.minute * 60 + value.second
                        ) / 86400
                        cells.append(f'<c r="{ref}"{style_attr}><v>{serial}</v></c>')
                    elif isinstance(value, date):
                        cells.append(f'<c r="{ref}"{style_attr}><v>{(value - _EPOCH).days}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_text(str(value))}</t></is></c>')
                cells.append("</row>")
                write("".join(cells))
                if len(out) >= 2000:
                    flush()
            write("</sheetData>")
            if count:
                write(f'<autoFilter ref="A1:{last}{count + 1}"/>')
            write("</worksheet>")
            flush()
        defined = (
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{name}'!$A$1:${last}${count + 1}</definedName></definedNames>"
            if count
            else ""
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>',
        )
    return count
