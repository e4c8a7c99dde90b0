"""Yearly document numbers (PO-2026-00001, RO-2026-000001, ...) from a per-year counter row."""

from django.db import IntegrityError, transaction
from django.db.models import F, Model


def _advance(counter: type[Model], *, year: int, count: int) -> int:
    """Add ``count`` to the ``year`` row with one conditional UPDATE (the row is made if missing); return
    the new last number. Concurrent callers never get overlapping ranges."""
    rows = counter.objects.filter(year=year)
    if not rows.update(last_number=F("last_number") + count):
        try:
            with transaction.atomic():
                counter.objects.create(year=year, last_number=count)
        except IntegrityError:  # created by a concurrent caller a moment ago
            rows.update(last_number=F("last_number") + count)
        else:
            return count
    return rows.values_list("last_number", flat=True).get()


def yearly_number(counter: type[Model], *, prefix: str, year: int, digits: int) -> str:
    """The next ``prefix-year-NNN`` number: the ``counter`` row of ``year`` (fields ``year``, ``last_number``)
    is incremented with one conditional UPDATE, so concurrent callers never get the same number."""
    return yearly_numbers(counter, prefix=prefix, year=year, digits=digits, count=1)[0]


def yearly_numbers(counter: type[Model], *, prefix: str, year: int, digits: int, count: int) -> list[str]:
    """The next ``count`` numbers, consecutive, from ONE counter update (bulk creation of documents)."""
    if count < 1:
        return []
    last = _advance(counter, year=year, count=count)
    return [f"{prefix}-{year}-{n:0{digits}d}" for n in range(last - count + 1, last + 1)]
