"""Excel datasets of product structure: BOM lines and cost rates.

Imports write in bulk, past the services, like the other datasets, so every rule the
services apply is checked here for the whole file at once: item kinds, quantities, periods
that may not overlap (stored lines and rows of the same file alike) and loops, including a
loop that only the rows of the file close between them. The structure lock of the services
is taken first, so a concurrent edit cannot close a loop with the file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.excel.bulk import insert_history
from erp.excel.columns import DateColumn, DecimalColumn, KeyColumn, TextColumn
from erp.excel.datasets import Dataset, Row, dataset_register
from erp.importers import Period, period_overlaps, resolve_item_skus
from erp.models import Item
from procurement.models import MAX_SCRAP_PCT, MIN_QTY_PER, BomLine, CostRates
from procurement.services.boms import bom_cycle_path, bom_structure_lock


class BomLineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    parent = django_filters.CharFilter(field_name="parent__sku", lookup_expr="iexact", label=_("Parent SKU"))
    child = django_filters.CharFilter(field_name="child__sku", lookup_expr="iexact", label=_("Component SKU"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"))

    class Meta:
        model = BomLine
        fields = ["q", "parent", "child", "valid_on"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(parent__sku__icontains=value)
            | Q(parent__name__icontains=value)
            | Q(child__sku__icontains=value)
            | Q(child__name__icontains=value)
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value)


class CostRatesFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="item__kind",
        choices=[(Item.Kind.PRODUCT, Item.Kind.PRODUCT.label), (Item.Kind.ASSEMBLY, Item.Kind.ASSEMBLY.label)],
        label=_("Kind"),
    )
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))

    class Meta:
        model = CostRates
        fields = ["kind", "sku"]


def _refuse_components(why: str):
    return lambda sku, kind: f"{sku} is a component; {why}" if kind == Item.Kind.COMPONENT else None


class BomLineDataset(Dataset):
    """One row a BOM line, keyed by parent, component and first day in force."""

    name = "bom-lines"
    title = _("BOM lines")
    model = BomLine
    key = ("parent_sku", "child_sku", "valid_from")
    filterset_class = BomLineFilter
    search_fields = ("parent__sku", "parent__name", "child__sku", "child__name")
    export_ordering = ("parent__sku", "child__sku", "valid_from")
    columns = [
        KeyColumn(
            "parent_sku",
            required=True,
            max_length=64,
            upper=True,
            field="parent_id",
            refers_to="product or assembly",
            source="parent__sku",
            example="AS-CAM-X1",
            note="The product or assembly the component goes into.",
            width=16,
        ),
        KeyColumn(
            "child_sku",
            required=True,
            max_length=64,
            upper=True,
            field="child_id",
            refers_to="component or assembly",
            source="child__sku",
            example="CP-SCREW-M14",
            note="The component or assembly that goes in.",
            width=16,
        ),
        DecimalColumn(
            "qty_per",
            required=True,
            decimal_places=4,
            max_digits=12,
            min_value=MIN_QTY_PER,
            example="4.0000",
            note="How many go into one parent; above 0.",
        ),
        DecimalColumn(
            "scrap_pct",
            decimal_places=2,
            max_digits=5,
            min_value=Decimal(0),
            max_value=MAX_SCRAP_PCT,
            default=Decimal(0),
            example="1.50",
            note="Share lost in assembly, in percent: 1.5 means 1.5%.",
        ),
        DateColumn("valid_from", required=True, example=date(2026, 1, 1)),
        DateColumn("valid_to", example=None, note="Last day in force; empty means open-ended."),
        TextColumn("note", max_length=200, example="", width=24),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        if column.name == "parent_sku":
            resolve_item_skus(rows, column, refuse=_refuse_components("only products and assemblies have BOM lines"))
            for row in rows:
                if row.ok:
                    row.values["_parent"] = row.values.pop("_sku")
        else:
            resolve_item_skus(
                rows,
                column,
                refuse=lambda sku, kind: (
                    f"{sku} is a product; a BOM line's component must be a component or an assembly"
                    if kind == Item.Kind.PRODUCT
                    else None
                ),
            )

    def check(self, rows: list[Row], context: dict) -> None:
        if "links" not in context:
            # Read stored lines under the lock the services take, held until the import's transaction ends,
            # and before the first chunk is written: ``finish`` runs after the writes.
            bom_structure_lock()
            context["links"] = list(BomLine.objects.order_by().values_list("parent_id", "child_id").distinct())
        stored: dict[tuple[int, int], list[tuple[date, date | None]]] = context.setdefault("stored", {})
        in_file: dict[tuple[int, int], list[Period]] = context.setdefault("in_file", {})
        edges: list[tuple[int, int, int, str, str]] = context.setdefault("edges", [])
        pairs = {(row.values["parent_id"], row.values["child_id"]) for row in rows} - stored.keys()
        for pair in pairs:
            stored[pair] = []
        if pairs:
            for parent_id, child_id, start, end in BomLine.objects.filter(
                parent_id__in={p[0] for p in pairs}, child_id__in={p[1] for p in pairs}
            ).values_list("parent_id", "child_id", "valid_from", "valid_to"):
                if (parent_id, child_id) in pairs:
                    stored[(parent_id, child_id)].append((start, end))
        for row in rows:
            values = row.values
            if values["parent_id"] == values["child_id"]:
                row.error("child_sku", f"{values['_sku']} cannot be a component of itself")
            valid_to = self.value(row, "valid_to")
            if valid_to is not None and valid_to < values["valid_from"]:
                row.error("valid_to", "is before valid_from")
            if row.ok:
                what = f"{values['_parent']} <- {values['_sku']}"
                in_file.setdefault((values["parent_id"], values["child_id"]), []).append(
                    Period(values["valid_from"], valid_to, row.number, what)
                )
                edges.append((row.number, values["parent_id"], values["child_id"], values["_parent"], values["_sku"]))

    def finish(self, context: dict) -> list[tuple[int, str, str]]:
        return self._overlaps(context) + self._loops(context)

    def _overlaps(self, context: dict) -> list[tuple[int, str, str]]:
        return period_overlaps(
            context.get("in_file", {}),
            context.get("stored", {}),
            stored_label="the stored line",
            advice="; end that line first",
        )

    def _loops(self, context: dict) -> list[tuple[int, str, str]]:
        """Add the file's new parent <- child links in row order; a link that closes a loop is an error.

        The row blamed is the one whose link completes the loop; the message names the loop and the
        other rows of the file that take part in it.
        """
        edges = sorted(context.get("edges", []))
        if not edges:
            return []
        children: dict[int, list[int]] = defaultdict(list)
        for parent_id, child_id in context["links"]:
            if child_id not in children[parent_id]:
                children[parent_id].append(child_id)
        from_row: dict[tuple[int, int], int] = {}  # links the file adds, by the row that added them
        skus: dict[int, str] = {}
        found: list[tuple[int, list[int]]] = []
        for number, parent_id, child_id, parent_sku, child_sku in edges:
            skus.update({parent_id: parent_sku, child_id: child_sku})
            if child_id in children.get(parent_id, ()):
                continue  # a link already there (stored, or added by an earlier row) cannot close a new loop
            path = bom_cycle_path(parent_id=parent_id, child_id=child_id, children=children)
            if path is not None:
                found.append((number, path))
                continue
            children[parent_id].append(child_id)
            from_row[(parent_id, child_id)] = number
        missing = {pk for _number, path in found for pk in path} - skus.keys()
        skus.update(Item.objects.filter(pk__in=missing).values_list("pk", "sku"))
        errors = []
        for number, path in found:
            loop = " -> ".join(skus[pk] for pk in path)
            rows = sorted({from_row[link] for link in pairwise(path) if link in from_row})
            with_rows = f" (with {'row' if len(rows) == 1 else 'rows'} {', '.join(map(str, rows))})" if rows else ""
            errors.append((number, "child_sku", f"would make the BOM loop: {loop}{with_rows}"))
        return errors


class CostRatesDataset(Dataset):
    name = "cost-rates"
    title = _("Cost rates")
    model = CostRates
    key = ("sku",)
    filterset_class = CostRatesFilter
    search_fields = ("item__sku", "item__name")
    export_ordering = ("item__sku",)
    columns = [
        KeyColumn(
            "sku",
            required=True,
            max_length=64,
            upper=True,
            field="item_id",
            refers_to="product or assembly",
            source="item__sku",
            example="TP-X1-128",
            width=16,
        ),
        DecimalColumn(
            "conversion_cost",
            decimal_places=4,
            max_digits=14,
            min_value=Decimal(0),
            default=Decimal(0),
            example="48.0000",
            note="CNY per unit: the factory's assembly and test charge.",
        ),
        DecimalColumn(
            "logistics_cost",
            decimal_places=4,
            max_digits=14,
            min_value=Decimal(0),
            default=Decimal(0),
            example="22.5000",
            note="CNY per unit: freight and duty to the warehouse.",
        ),
        TextColumn("note", max_length=200, example="", width=24),
    ]

    def resolve_key_column(self, column, rows: list[Row]) -> None:
        resolve_item_skus(rows, column, refuse=_refuse_components("cost rates are for products and assemblies"))

    def write(self, creates: list[dict], updates: list[dict], fields: set[str], acting_user) -> None:
        # The item is the primary key, which the engine's bulk insert leaves to the database: insert here.
        if creates:
            now = timezone.now()
            for values in creates:
                values.update(created_at=now, updated_at=now)
            CostRates.objects.bulk_create([CostRates(**values) for values in creates])
            insert_history(CostRates, creates, kind="+", user=acting_user, reason=f"excel import: {self.name}")
        super().write([], updates, fields, acting_user)


for _dataset in (BomLineDataset(), CostRatesDataset()):
    dataset_register(_dataset)
