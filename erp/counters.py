"""Yearly document numbers (PO-2026-00001, RO-2026-000001, ...) from a per-year counter row."""

from django.db import IntegrityError, transaction
from django.db.models import F, Model


def yearly_number(counter: type[Model], *, prefix: str, year: int, digits: int) -> str:
    """The next ``prefix-year-NNN`` number: the ``counter`` row of ``year`` (fields ``year``, ``last_number``)
    is incremented with one conditional UPDATE, so concurrent callers never get the same number."""
    rows = counter.objects.filter(year=year)
    if not rows.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                counter.objects.create(year=year, last_number=1)
        except IntegrityError:  # created by a concurrent caller a moment ago
            rows.update(last_number=F("last_number") + 1)
        else:
            return f"{prefix}-{year}-{1:0{digits}d}"
    return f"{prefix}-{year}-{rows.get().last_number:0{digits}d}"
