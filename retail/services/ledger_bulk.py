"""Ledger entries for many orders at once: an allocation run's releases, a dispatch's captures.

One entry per order, one conditional UPDATE per 500 accounts, each account row keeping the ledger's
rule in the WHERE clause (``held >= amount``), so the bulk path can no more take ``held`` below zero
than ``prepayment_entry_post`` can. The accounts are locked in pk order first, so the figures each
entry records are exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection

from erp.audit import user_or_none
from erp.errors import ApplicationError
from erp.excel.bulk import insert_rows
from retail.models import PrepaymentAccount, PrepaymentEntry, PrepaymentEntryKind, from_cents

CHUNK = 500
# What each bulk kind takes off the account: (balance, held).
_BULK_EFFECTS = {PrepaymentEntryKind.RELEASE: (False, True), PrepaymentEntryKind.CAPTURE: (True, True)}


def prepayment_entries_bulk_post(
    *,
    acting_user: Any,
    kind: str,
    amounts: Mapping[int, int],
    orders: Mapping[int, Mapping[str, Any]],
    note: str,
    now: datetime,
) -> None:
    """Post one ``kind`` entry (release or capture) of ``amounts[order id]`` fen per order.

    ``orders[order id]`` has the order's ``number``, ``account_id`` and retailer ``code`` (for messages).
    The caller holds the orders locked.
    """
    takes_balance, _ = _BULK_EFFECTS[kind]
    amounts = {order_id: cents for order_id, cents in amounts.items() if cents > 0}
    if not amounts:
        return
    by_account: dict[int, list[int]] = defaultdict(list)
    for order_id in sorted(amounts):
        by_account[orders[order_id]["account_id"]].append(order_id)
    totals = {account_id: sum(amounts[o] for o in order_ids) for account_id, order_ids in by_account.items()}
    accounts = {
        row[0]: row[1:]
        for row in PrepaymentAccount.objects.select_for_update()
        .filter(pk__in_ids=list(by_account))
        .order_by("pk")
        .values_list("pk", "balance_cents", "held_cents")
    }
    account_ids = sorted(by_account)
    table = PrepaymentAccount._meta.db_table
    balance_change = "balance_cents = balance_cents - {amount}, " if takes_balance else ""
    for start in range(0, len(account_ids), CHUNK):
        chunk = account_ids[start : start + CHUNK]
        # One statement for many accounts; each row keeps the ledger's rule in the WHERE clause.
        # (Plain SQL: Django compiles a 500-branch Case expression far slower than the database runs it.)
        amount = "CASE id " + " ".join(["WHEN %s THEN %s"] * len(chunk)) + " END"
        pairs = [value for pk in chunk for value in (pk, totals[pk])]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {balance_change.format(amount=amount)}held_cents = held_cents - {amount}, "
                f"updated_at = %s WHERE id IN ({', '.join(['%s'] * len(chunk))}) AND held_cents >= {amount}",
                [*(pairs if takes_balance else []), *pairs, now, *chunk, *pairs],
            )
            moved = cursor.rowcount
        if moved != len(chunk):
            short = next(pk for pk in chunk if accounts[pk][1] < totals[pk])
            code = orders[by_account[short][0]]["code"]
            raise ApplicationError(
                f"Only {from_cents(accounts[short][1])} CNY is held for {code}; "
                f"cannot {kind} {from_cents(totals[short])}."
            )
    user = user_or_none(acting_user)
    entries = []
    for account_id in account_ids:
        balance, held = accounts[account_id]
        for order_id in by_account[account_id]:
            held -= amounts[order_id]
            if takes_balance:
                balance -= amounts[order_id]
            entries.append(
                {
                    "account_id": account_id,
                    "kind": kind,
                    "amount_cents": amounts[order_id],
                    "balance_after_cents": balance,
                    "held_after_cents": held,
                    "reference": orders[order_id]["number"],
                    "note": note,
                    "order_id": order_id,
                    "created_at": now,
                    "created_by_id": user.pk if user is not None else None,
                }
            )
    insert_rows(PrepaymentEntry, entries)
