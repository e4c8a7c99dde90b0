"""The market priced inside the database, for reports over tens of thousands of offers.

``OfferBook`` reads every offer and price break and prices them in Python: simple, and fine for a
few thousand offers. At 800 parts x 150 suppliers that is 120,000 offers and 360,000 breaks, too
many rows to move. Here the database finds each offer's price break at the wanted quantity,
converts it to CNY and keeps only what the report needs: the cheapest offers of each part for the
roll-up, and for the outlier report the dear offers plus the middle of each part's price list (all
a median needs). Python then recomputes every returned price exactly in ``Decimal``; the database
only chooses rows, with a small tolerance so that float rounding in SQLite never drops one.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from erp.selectors import FxTable
from procurement.models import PriceBreak, Supplier, SupplierOffer, SupplierStatus
from procurement.selectors.boms import decimal_from_db
from procurement.selectors.market import Quote, current_offers

# Relative slack when the database compares converted prices; exact comparisons happen in Python.
_SLACK = "0.000001"


def _check_rates(on: date, fx: FxTable, item_ids: Iterable[int] | None) -> None:
    """Refuse, naming the currency and date, when a current offer is in a currency without a rate."""
    used = current_offers(on=on, item_ids=item_ids).values_list("currency_id", flat=True).distinct()
    missing = sorted(set(used) - set(fx.known()))
    if missing:
        fx.rate(missing[0])  # raises the standard error naming the currency and the date


def _need_cte(need: list[tuple[int, int, int]]) -> tuple[str, list]:
    """need(key, item_id, qty): which part to price at which quantity, per key (e.g. per costed product)."""
    if connection.vendor == "postgresql":
        keys, items, qtys = (list(column) for column in zip(*need, strict=True))
        return "need(key, item_id, qty) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]))", [
            keys,
            items,
            qtys,
        ]
    values = ", ".join(["(%s, %s, %s)"] * len(need))
    return f"need(key, item_id, qty) AS (VALUES {values})", [value for row in need for value in row]


def _priced_sql(
    *, on: date, fx: FxTable, need: list[tuple[int, int, int]], default_qty: int | None
) -> tuple[str, list]:
    """CTEs ending in ``priced``: one row per (key, current offer) with its price and CNY price at the quantity.

    Without ``default_qty`` only the parts in ``need`` are priced; with it, every part is, those
    not in ``need`` at ``default_qty``.
    """
    offer, price_break, supplier = (
        SupplierOffer._meta.db_table,
        PriceBreak._meta.db_table,
        Supplier._meta.db_table,
    )
    rates = fx.known()
    fx_values = ", ".join(["(%s, CAST(%s AS DECIMAL(18, 8)))"] * len(rates))
    ctes, params = [f"fx(code, rate) AS (VALUES {fx_values})"], [value for pair in rates.items() for value in pair]
    if default_qty is None:
        cte, cte_params = _need_cte(need)
        ctes.append(cte)
        params += cte_params
        source, key, qty = "JOIN need n ON n.item_id = o.item_id", "n.key", "n.qty"
    elif need:
        cte, cte_params = _need_cte(need)
        ctes.append(cte)
        params += cte_params
        source, key, qty = "LEFT JOIN need n ON n.item_id = o.item_id", "0", f"COALESCE(n.qty, {int(default_qty)})"
    else:
        source, key, qty = "", "0", str(int(default_qty))
    day = connection.ops.adapt_datefield_value(on)
    # Each break covers [min_qty, next break's min_qty); the first also covers anything below it.
    ctes.append(f"""band AS (
        SELECT offer_id, unit_price,
               CASE WHEN ROW_NUMBER() OVER (PARTITION BY offer_id ORDER BY min_qty) = 1 THEN 0 ELSE min_qty END AS low,
               LEAD(min_qty) OVER (PARTITION BY offer_id ORDER BY min_qty) AS high
        FROM {price_break}
    )""")
    ctes.append(f"""offer_price AS (
        SELECT {key} AS key, o.id, o.item_id, o.supplier_id, s.code AS supplier_code, o.currency_id,
               o.lead_time_days, o.moq, o.order_multiple, o.valid_from, {qty} AS qty, fx.rate, b.unit_price AS price
        FROM {offer} o
        JOIN {supplier} s ON s.id = o.supplier_id
        {source}
        JOIN fx ON fx.code = o.currency_id
        JOIN band b ON b.offer_id = o.id AND b.low <= {qty} AND (b.high IS NULL OR b.high > {qty})
        WHERE o.valid_from <= %s AND (o.valid_to IS NULL OR o.valid_to >= %s) AND s.status <> %s
    )""")
    params += [day, day, SupplierStatus.BLOCKED]
    ctes.append("priced AS (SELECT offer_price.*, price * rate AS price_cny FROM offer_price WHERE price IS NOT NULL)")
    return "WITH " + ",\n".join(ctes), params


_COLUMNS = (
    "key, id, item_id, supplier_id, supplier_code, currency_id, lead_time_days, moq, order_multiple, valid_from, "
    "qty, price"
)


def _quote(row, fx: FxTable) -> tuple[int, Quote]:
    key, pk, item_id, supplier_id, code, currency, lead, moq, multiple, valid_from, qty, price = row[:12]
    price = decimal_from_db(price).quantize(Decimal("0.000001"))
    if isinstance(valid_from, str):
        valid_from = date.fromisoformat(valid_from)
    cny = fx.convert(price, currency)
    return key, Quote(pk, item_id, supplier_id, code, currency, lead, moq, multiple, valid_from, int(qty), price, cny)


def cheapest_quotes(*, on: date, need: list[tuple[int, int, int]], fx: FxTable) -> dict[tuple[int, int], list[Quote]]:
    """For each (key, item, qty) in ``need``: the current offers that tie for cheapest in CNY at that qty.

    Several rows come back only on a tie (or a float near-tie in SQLite); the caller breaks it.
    """
    if not need:
        return {}
    _check_rates(on, fx, {item_id for _key, item_id, _qty in need})
    head, params = _priced_sql(on=on, fx=fx, need=need, default_qty=None)
    sql = f"""{head}
        SELECT {_COLUMNS} FROM (
            SELECT priced.*, MIN(price_cny) OVER (PARTITION BY key, item_id) AS low FROM priced
        ) ranked
        WHERE price_cny <= low * (1 + {_SLACK})
    """  # table names come from the models, numbers are constants; every value is a parameter
    found: dict[tuple[int, int], list[Quote]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            key, quote = _quote(row, fx)
            found[(key, quote.item_id)].append(quote)
    return dict(found)


@dataclass
class PriceList:
    """One part's current offers ranked by CNY price: the dear ones and the middle ranks, by rank."""

    count: int
    by_position: dict[int, Quote]


def outlier_price_lists(
    *, on: date, qty: int, planned: dict[int, int], ratio: Decimal, min_offers: int, fx: FxTable
) -> dict[int, PriceList]:
    """Per part with ``min_offers`` or more current offers: the offers at ``ratio`` x its cheapest or more
    (only they can be outliers) and the three middle ranks (all the median of the others needs)."""
    _check_rates(on, fx, None)
    need = [(0, item_id, q) for item_id, q in planned.items() if q > 0]
    head, params = _priced_sql(on=on, fx=fx, need=need, default_qty=qty)
    sql = f"""{head}
        SELECT {_COLUMNS}, position, n FROM (
            SELECT priced.*,
                   ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY price_cny, id) - 1 AS position,
                   COUNT(*) OVER (PARTITION BY item_id) AS n,
                   MIN(price_cny) OVER (PARTITION BY item_id) AS low
            FROM priced
        ) ranked
        WHERE n >= {int(min_offers)}
          AND (price_cny >= low * {Decimal(ratio)} * (1 - {_SLACK})
               OR position BETWEEN (n - 1) / 2 - 1 AND (n - 1) / 2 + 1)
    """  # table names come from the models, numbers are constants; every value is a parameter
    lists: dict[int, PriceList] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            _key, quote = _quote(row, fx)
            position, count = int(row[12]), int(row[13])
            lists.setdefault(quote.item_id, PriceList(count, {})).by_position[position] = quote
    return lists


def supplier_price_indexes(
    *, on: date, qty: int, fx: FxTable, supplier_ids: Iterable[int] | None = None
) -> dict[int, tuple[Decimal, int]]:
    """Supplier id -> (mean of its current offers' CNY price / the median of all current offers for
    that part, number of offers), every price at ``qty``; the supplier's own offer counts in the median.

    One query whatever the number of offers (two with ``supplier_ids``): the database takes the
    medians and the means.
    """
    only, ids, item_ids = "", [], None
    if supplier_ids is not None:
        ids = [int(pk) for pk in supplier_ids]
        if not ids:
            return {}
        # Only the parts these suppliers offer matter: price just those, at every supplier.
        item_ids = set(current_offers(on=on).filter(supplier_id__in_ids=ids).values_list("item_id", flat=True))
        if not item_ids:
            return {}
        only = f"AND r.supplier_id IN ({', '.join(['%s'] * len(ids))})"
    _check_rates(on, fx, item_ids)
    need = [(0, item_id, qty) for item_id in sorted(item_ids)] if item_ids is not None else []
    head, params = _priced_sql(on=on, fx=fx, need=need, default_qty=None if item_ids is not None else qty)
    sql = f"""{head},
        ranked AS (
            SELECT priced.*,
                   ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY price_cny, id) - 1 AS position,
                   COUNT(*) OVER (PARTITION BY item_id) AS n
            FROM priced
        ),
        middle AS (
            SELECT item_id, AVG(price_cny) AS median FROM ranked
            WHERE position = (n - 1) / 2 OR position = n / 2
            GROUP BY item_id
        )
        SELECT r.supplier_id, AVG(r.price_cny / m.median), COUNT(*)
        FROM ranked r JOIN middle m ON m.item_id = r.item_id
        WHERE m.median > 0 {only}
        GROUP BY r.supplier_id
    """  # table names come from the models, numbers are constants; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
        return {supplier_id: (decimal_from_db(mean), int(count)) for supplier_id, mean, count in cursor.fetchall()}
