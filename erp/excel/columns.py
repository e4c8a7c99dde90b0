"""Typed spreadsheet columns: how a cell is read, checked and written.

A column turns whatever the reader gives (str, int, float, bool, date, datetime,
None) into the value Tempo stores, or raises ``CellError`` with a plain message.
Parsing is on the hot path of every import, so each ``parse`` does the least
work that still refuses bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erp.validators import LINE_BREAKS, first_invisible

# Text starting with these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class CellError(Exception):
    pass


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def show(raw: Any) -> str:
    text = str(raw)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def unescape_formula(text: str) -> str:
    """Undo the quote Tempo's exports put before text that looks like a formula."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def escape_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@dataclass
class Column:
    """One column of a dataset. ``field`` is the model attribute it fills (default: ``name``)."""

    name: str
    required: bool = False
    note: str = ""
    example: Any = None
    default: Any = None
    field: str | None = None
    width: int = 14
    excel_type = "text"

    @property
    def attr(self) -> str:
        return self.field or self.name

    def parse(self, raw: Any) -> Any:
        if is_blank(raw):
            if self.required:
                raise CellError("is required")
            return self.default
        return self.convert(raw)

    def convert(self, raw: Any) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        return "text"

    def export(self, value: Any) -> Any:
        return value


@dataclass
class TextColumn(Column):
    max_length: int | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    upper: bool = False
    multiline: bool = False
    default: Any = ""
    _regex: re.Pattern | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.pattern) if self.pattern else None

    def convert(self, raw: Any) -> str:
        if isinstance(raw, str):
            text = unescape_formula(raw).strip()
        elif isinstance(raw, bool):
            raise CellError(f"{show(raw)} is not text")
        elif isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))  # a code typed as a number, e.g. 1001
        elif isinstance(raw, int | float | Decimal):
            text = str(raw)
        else:
            raise CellError(f"{show(raw)} is not text")
        if self.upper:
            if not text.isascii():
                raise CellError(f"{show(text)} has characters other than A-Z, 0-9 and punctuation")
            text = text.upper()
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(f"is {len(text)} characters long; at most {self.max_length} are allowed")
        invisible = first_invisible(text, allow=LINE_BREAKS if self.multiline else frozenset())
        if invisible is not None:
            raise CellError(f"contains the invisible character U+{ord(invisible):04X}")
        if self._regex is not None and not self._regex.match(text):
            raise CellError(f"{show(text)} is not valid{': ' + self.pattern_hint if self.pattern_hint else ''}")
        return text

    def describe(self) -> str:
        parts = ["text"]
        if self.max_length:
            parts.append(f"at most {self.max_length} characters")
        if self.pattern_hint:
            parts.append(self.pattern_hint)
        return ", ".join(parts)

    def export(self, value: Any) -> Any:
        return escape_formula(value) if isinstance(value, str) else value


def _within_bounds(value, low, high):
    if low is not None and value < low:
        raise CellError(f"{value} is below the minimum of {low}")
    if high is not None and value > high:
        raise CellError(f"{value} is above the maximum of {high}")
    return value


def _bounds_text(low, high) -> str:
    bounds = [f"{sign} {limit}" for sign, limit in ((">=", low), ("<=", high)) if limit is not None]
    return f" ({', '.join(bounds)})" if bounds else ""


_INT_TEXT = re.compile(r"^[+-]?\d+$")


@dataclass
class IntegerColumn(Column):
    min_value: int | None = None
    max_value: int | None = None
    excel_type = "integer"

    def convert(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise CellError(f"{show(raw)} is not a whole number")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if not raw.is_integer():
                raise CellError(f"{show(raw)} is not a whole number")
            value = int(raw)
        elif isinstance(raw, str) and raw.isascii() and _INT_TEXT.match(raw.strip()):
            value = int(raw.strip())
        else:
            raise CellError(f"{show(raw)} is not a whole number")
        return _within_bounds(value, self.min_value, self.max_value)

    def describe(self) -> str:
        return "whole number" + _bounds_text(self.min_value, self.max_value)


_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass
class DecimalColumn(Column):
    decimal_places: int = 2
    max_digits: int = 12
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    excel_type = "decimal"

    def convert(self, raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise CellError(f"{show(raw)} is not a number")
        if isinstance(raw, int):
            value = Decimal(raw)
        elif isinstance(raw, float):
            if raw != raw or raw in (float("inf"), float("-inf")):
                raise CellError(f"{show(raw)} is not a number")
            # The shortest repr is what the person typed; Decimal(float) would add binary noise.
            value = Decimal(repr(raw))
        elif isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, str):
            text = raw.strip().replace(",", "") if raw.isascii() else ""
            if not _DECIMAL_TEXT.match(text):
                raise CellError(f"{show(raw)} is not a number")
            value = Decimal(text)
        else:
            raise CellError(f"{show(raw)} is not a number")
        if value.normalize().as_tuple().exponent < -self.decimal_places:
            raise CellError(f"{show(raw)} has more than {self.decimal_places} decimal places")
        try:
            value = value.quantize(Decimal(1).scaleb(-self.decimal_places))
        except InvalidOperation as error:
            raise CellError(f"{show(raw)} is too large") from error
        if len(value.as_tuple().digits) > self.max_digits:
            raise CellError(f"{show(raw)} is too large")
        return _within_bounds(value, self.min_value, self.max_value)

    def describe(self) -> str:
        return f"number, up to {self.decimal_places} decimal places" + _bounds_text(self.min_value, self.max_value)


@dataclass
class DateColumn(Column):
    width: int = 12
    excel_type = "date"

    def convert(self, raw: Any) -> date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            text = raw.strip()
            try:
                return date.fromisoformat(text[:10]) if len(text) in (10, 19) else date.fromisoformat(text)
            except ValueError:
                pass
        raise CellError(f"{show(raw)} is not a date (use YYYY-MM-DD or a date cell)")

    def describe(self) -> str:
        return "date (YYYY-MM-DD)"


@dataclass
class ChoiceColumn(Column):
    choices: list[tuple[str, Any]] = field(default_factory=list)
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for value, label in self.choices:
            self._lookup[value.lower()] = value
            self._lookup[str(label).lower()] = value

    @property
    def values(self) -> list[str]:
        return [value for value, _label in self.choices]

    def convert(self, raw: Any) -> str:
        value = self._lookup.get(str(raw).strip().lower())
        if value is None:
            raise CellError(f"{show(raw)} is not one of: {', '.join(self.values)}")
        return value

    def describe(self) -> str:
        return "one of: " + ", ".join(self.values)


_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否"}


@dataclass
class BooleanColumn(Column):
    default: Any = False

    def convert(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(f"{show(raw)} is not yes/no")

    def describe(self) -> str:
        return "yes or no"


@dataclass
class KeyColumn(TextColumn):
    """A reference to another record by its natural key (a SKU, a currency code...).

    The dataset resolves the text to the record in bulk, a chunk of rows at a time.
    """

    refers_to: str = ""
    source: str = ""  # the lookup that exports the key, e.g. "item__sku"

    def describe(self) -> str:
        return f"{self.refers_to} (by its code)"
