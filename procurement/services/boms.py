"""Writes to bills of materials and cost rates. Keyword-only, atomic, attributed to ``acting_user``."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from erp.audit import audited_save, user_or_none, validate_instance
from erp.errors import ApplicationError
from erp.models import Item
from erp.services import apply_changes
from procurement.models import BomLine, CostRates

BOM_EDITABLE_FIELDS = {"qty_per", "scrap_pct", "valid_from", "valid_to", "note"}
# Any constant works; it only has to be the same for every writer of BOM structure.
_BOM_STRUCTURE_LOCK = 0x7E3B0_0001


def bom_structure_lock() -> None:
    """Serialise changes to BOM structure so two edits cannot close a loop between them.

    A cycle can span rows no single row lock covers, so PostgreSQL takes one advisory lock
    for the transaction; SQLite already lets one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BOM_STRUCTURE_LOCK])


def bom_cycle_path(*, parent_id: int, child_id: int, children: Mapping[int, Iterable[int]]) -> list[int] | None:
    """The item ids of the loop that a line parent <- child would close, parent first and last; else None.

    ``children`` maps an item id to the ids of its components (the importer keeps one up to date
    as it adds a file's rows; the services build it from the stored lines).
    """
    # Depth-first from the child: reaching the parent again means the new line closes a loop.
    stack: list[tuple[int, list[int]]] = [(child_id, [parent_id, child_id])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == parent_id:
            return path
        if node in seen:
            continue
        seen.add(node)
        for next_id in sorted(children.get(node, ()), reverse=True):
            stack.append((next_id, [*path, next_id]))
    return None


def _check_no_cycle(line: BomLine) -> None:
    children = defaultdict(list)
    for parent_id, child_id in BomLine.objects.exclude(pk=line.pk).values_list("parent_id", "child_id").distinct():
        children[parent_id].append(child_id)
    path = bom_cycle_path(parent_id=line.parent_id, child_id=line.child_id, children=children)
    if path is None:
        return
    skus = dict(Item.objects.filter(pk__in=path).values_list("pk", "sku"))
    loop = " -> ".join(skus[pk] for pk in path)
    raise ApplicationError(
        f"This line would make the BOM loop: {loop}.",
        {"fields": {"child": [f"Would loop: {loop}."]}, "cycle": [skus[pk] for pk in path]},
    )


def _check_line_rules(line: BomLine) -> None:
    if line.parent.kind == Item.Kind.COMPONENT:
        raise ApplicationError(
            f"{line.parent.sku} is a component; only products and assemblies have BOM lines.",
            {"fields": {"parent": ["Must be a product or an assembly."]}},
        )
    if line.child.kind == Item.Kind.PRODUCT:
        raise ApplicationError(
            f"{line.child.sku} is a product; a BOM line's component must be a component or an assembly.",
            {"fields": {"child": ["Must be a component or an assembly."]}},
        )
    validate_instance(line)
    overlapping = BomLine.objects.filter(parent=line.parent, child=line.child).exclude(pk=line.pk)
    if line.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=line.valid_to)
    clash = overlapping.exclude(valid_to__lt=line.valid_from).order_by("valid_from").first()
    if clash is not None:
        clash_end = clash.valid_to.isoformat() if clash.valid_to else "open-ended"
        text = f"the line {line.parent.sku} <- {line.child.sku} valid {clash.valid_from.isoformat()} to {clash_end}"
        raise ApplicationError(
            f"The period overlaps {text}; end that line first.",
            {"fields": {"valid_from": [f"Overlaps {text}; end that line first."]}, "conflicting_line_id": clash.pk},
        )
    _check_no_cycle(line)


@transaction.atomic
def bom_line_create(
    *,
    acting_user: Any,
    parent: Item,
    child: Item,
    qty_per: Decimal,
    valid_from: date,
    scrap_pct: Decimal = Decimal(0),
    valid_to: date | None = None,
    note: str = "",
) -> BomLine:
    bom_structure_lock()
    line = BomLine(
        parent=parent,
        child=child,
        qty_per=qty_per,
        scrap_pct=scrap_pct,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
    )
    _check_line_rules(line)
    return audited_save(line, acting_user=acting_user, reason="created")


@transaction.atomic
def bom_line_update(*, acting_user: Any, line: BomLine, reason: str = "", **changes: Any) -> BomLine:
    """Change a line's quantity, scrap, period or note; to change its items, end it and add another."""
    for name in ("parent", "child", "sku", "parent_sku", "child_sku"):
        if name in changes:
            raise ApplicationError(
                "The parent and component of a BOM line cannot be changed; end the line and add a new one.",
                {"fields": {name: ["This field cannot be changed."]}},
            )
    bom_structure_lock()
    line = BomLine.objects.select_related("parent", "child").get(pk=line.pk)
    if isinstance(changes.get("note"), str):
        changes["note"] = changes["note"].strip()
    if not apply_changes(line, changes, BOM_EDITABLE_FIELDS, "BOM line"):
        return line
    _check_line_rules(line)
    return audited_save(line, acting_user=acting_user, reason=reason or "updated")


@transaction.atomic
def bom_line_delete(*, acting_user: Any, line: BomLine, reason: str = "") -> None:
    """Remove a line entered by mistake; the history keeps it. End a line that was once true instead."""
    line = BomLine.objects.select_for_update().get(pk=line.pk)
    line._history_user = user_or_none(acting_user)
    line._change_reason = reason or "deleted"
    line.delete()


@transaction.atomic
def cost_rates_set(
    *,
    acting_user: Any,
    item: Item,
    conversion_cost: Decimal,
    logistics_cost: Decimal = Decimal(0),
    note: str = "",
) -> CostRates:
    """Set what one unit of a product or assembly costs beyond its parts."""
    if item.kind == Item.Kind.COMPONENT:
        raise ApplicationError(
            f"{item.sku} is a component; cost rates are for products and assemblies.",
            {"fields": {"sku": ["Must be a product or an assembly."]}},
        )
    rates = CostRates.objects.select_for_update().filter(item=item).first() or CostRates(item=item)
    is_new = rates._state.adding
    changed = apply_changes(
        rates,
        {"conversion_cost": conversion_cost, "logistics_cost": logistics_cost, "note": note.strip()},
        {"conversion_cost", "logistics_cost", "note"},
        "Cost rates",
    )
    if not (is_new or changed):
        return rates
    return audited_save(rates, acting_user=acting_user, reason="created" if is_new else "updated")
