"""Datasets: what a spreadsheet of one kind of record looks like, and how its rows
are found, checked and written. Each app registers its own from ``importers.py``.

The base class does everything for a model whose columns map onto its fields and
whose natural key is a set of columns; a dataset overrides the hooks where its
records need more (references to other records, rules across rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from erp.errors import ApplicationError
from erp.excel.bulk import insert_history, insert_rows, update_rows
from erp.excel.columns import Column, KeyColumn

_REGISTRY: dict[str, Dataset] = {}


def dataset_register(dataset: Dataset) -> Dataset:
    _REGISTRY[dataset.name] = dataset
    return dataset


def dataset_get(name: str) -> Dataset:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ApplicationError(f"Unknown dataset '{name}'. Known datasets: {known}.", {"dataset": name}) from None


def dataset_list() -> list[Dataset]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


@dataclass
class Row:
    """One data row of an upload: its sheet row number, parsed values and problems."""

    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    existing: Any = None
    instance: Any = None

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    @property
    def ok(self) -> bool:
        return not self.errors


class Dataset:
    name: ClassVar[str]
    title: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    key: ClassVar[tuple[str, ...]]
    filterset_class: ClassVar[Any] = None
    search_fields: ClassVar[tuple[str, ...]] = ()  # what the list API's ?search= looks in
    export_ordering: ClassVar[tuple[str, ...]] = ("pk",)

    # --- permissions --------------------------------------------------------------------

    @property
    def view_permission(self) -> str:
        return f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"

    @property
    def import_permissions(self) -> tuple[str, str]:
        meta = self.model._meta
        return (f"{meta.app_label}.add_{meta.model_name}", f"{meta.app_label}.change_{meta.model_name}")

    def can_view(self, user) -> bool:
        return user.has_perm(self.view_permission)

    def can_import(self, user) -> bool:
        return user.has_perms(self.import_permissions)

    # --- export -------------------------------------------------------------------------

    def export_queryset(self, params: dict[str, Any] | None = None) -> models.QuerySet:
        queryset = self.model._default_manager.all()
        if self.filterset_class is not None and params:
            filterset = self.filterset_class(params, queryset=queryset)
            if not filterset.is_valid():
                fields = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
                raise ApplicationError("Invalid filter: " + ", ".join(fields), {"fields": fields})
            queryset = filterset.qs
        terms = str((params or {}).get("search", "")).split()[:10]
        for term in terms:
            matches = models.Q()
            for name in self.search_fields:
                matches |= models.Q(**{f"{name}__icontains": term})
            queryset = queryset.filter(matches)
        return queryset.order_by(*self.export_ordering)

    def export_rows(self, queryset: models.QuerySet) -> Iterator[list[Any]]:
        attrs = [getattr(column, "source", "") or column.attr for column in self.columns]
        exporters = [column.export for column in self.columns]
        for values in queryset.values_list(*attrs).iterator(chunk_size=2000):
            yield [export(value) for export, value in zip(exporters, values, strict=True)]

    def example_row(self) -> list[Any]:
        return [column.example for column in self.columns]

    # --- import hooks -------------------------------------------------------------------

    @cached_property
    def key_attrs(self) -> list[str]:
        return [self.column(name).attr for name in self.key]

    def row_key(self, row: Row) -> tuple:
        """The row's natural key: as typed before ``resolve``, as stored ids after it."""
        return tuple(row.values[attr] for attr in self.key_attrs)

    def resolve(self, rows: list[Row]) -> None:
        """Turn natural-key references into ids, in bulk, for the rows that parsed."""
        for column in self.columns:
            if isinstance(column, KeyColumn):
                self.resolve_key_column(column, rows)

    def resolve_key_column(self, column: KeyColumn, rows: list[Row]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must resolve column {column.name}")

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        """The stored records that rows' natural keys point at, by key."""
        key_attrs = self.key_attrs
        lookups = {f"{attr}__in": {row.values[attr] for row in rows} for attr in key_attrs}
        found = self.model._default_manager.filter(**lookups)
        return {tuple(getattr(obj, attr) for attr in key_attrs): obj for obj in found}

    def check(self, rows: list[Row], context: dict) -> None:
        """Rules across fields and rows; ``context`` lives for the whole file."""

    def finish(self, context: dict) -> list[tuple[int, str, str]]:
        """Rules that need the whole file, after its last chunk: (row, column, message) errors."""
        return []

    def value(self, row: Row, attr: str) -> Any:
        """The value ``attr`` will have after the import: from the file, else as stored, else the default."""
        if attr in row.values:
            return row.values[attr]
        if row.existing is not None:
            return getattr(row.existing, attr)
        return next(column.default for column in self.columns if column.attr == attr)

    def changed_fields(self, row: Row) -> list[str]:
        """Fields the file changes; columns left out of the file change nothing."""
        obj = row.existing
        return [
            column.attr
            for column in self.columns
            if column.name not in self.key
            and column.attr in row.values
            and getattr(obj, column.attr) != row.values[column.attr]
        ]

    @cached_property
    def _defaults(self) -> dict[str, Any]:
        """Values of the model's fields that no column fills, for new records."""
        filled = {column.attr for column in self.columns}
        return {
            field.attname: field.get_default()
            for field in self.model._meta.concrete_fields
            if not field.primary_key and field.attname not in filled
        }

    @cached_property
    def _stamps(self) -> tuple[list[str], list[str]]:
        fields = self.model._meta.concrete_fields
        added = [f.attname for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
        return added, [f.attname for f in fields if getattr(f, "auto_now", False)]

    def build(self, row: Row) -> dict[str, Any]:
        """A new record's field values, by attname."""
        return {**self._defaults, **{column.attr: self.value(row, column.attr) for column in self.columns}}

    def values_of(self, obj: models.Model) -> dict[str, Any]:
        return {field.attname: getattr(obj, field.attname) for field in self.model._meta.concrete_fields}

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        """Insert ``creates`` and update ``fields`` of ``updates``, each with its history row."""
        now = timezone.now()
        reason = f"excel import: {self.name}"
        on_create, on_change = self._stamps
        if creates:
            for values in creates:
                values.update(dict.fromkeys(on_create, now))
            insert_rows(self.model, creates)
            self._fill_primary_keys(creates)
            insert_history(self.model, creates, kind="+", user=acting_user, reason=reason)
        if updates:
            for values in updates:
                values.update(dict.fromkeys(on_change, now))
            update_rows(self.model, updates, sorted(fields | set(on_change)))
            insert_history(self.model, updates, kind="~", user=acting_user, reason=reason)

    def _fill_primary_keys(self, created: list[dict]) -> None:
        """Read back the keys the database gave the new records, by natural key."""
        pk = self.model._meta.pk.attname
        attrs = self.key_attrs
        lookups = {f"{attr}__in": {values[attr] for values in created} for attr in attrs}
        found = {
            tuple(key): key_pk for key_pk, *key in self.model._default_manager.filter(**lookups).values_list(pk, *attrs)
        }
        for values in created:
            values[pk] = found[tuple(values[attr] for attr in attrs)]

    # --- helpers ------------------------------------------------------------------------

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
