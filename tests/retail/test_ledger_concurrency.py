"""The prepayment ledger under concurrency, on PostgreSQL: confirmations racing for one balance.

50 drafts of one retailer, each for 100.00, against a balance of exactly 1,000.00: confirmed at once
from 50 threads, exactly 10 succeed and 40 are refused with InsufficientPrepayment; the ledger re-adds
to the cent, and available never went negative.
"""

from decimal import Decimal

import pytest

from retail import services
from retail.models import ENTRY_EFFECTS, PrepaymentAccount, PrepaymentEntry, RetailerOrder
from tests.concurrency import needs_postgres, race_each
from tests.retail.factories import RetailerFactory, deposit, make_order, priced_product

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _assert_ledger_adds_up(account: PrepaymentAccount) -> None:
    entries = list(PrepaymentEntry.objects.filter(account=account).order_by("created_at", "pk"))
    balance = held = 0
    for entry in entries:
        d_balance, d_held = ENTRY_EFFECTS[entry.kind]
        balance += d_balance * entry.amount_cents
        held += d_held * entry.amount_cents
        # Each entry's figures are the running sum of the entries before it: available never went negative.
        assert (entry.balance_after_cents, entry.held_after_cents) == (balance, held), entry
        assert entry.balance_after_cents - entry.held_after_cents >= 0
    account.refresh_from_db()
    assert (balance, held) == (account.balance_cents, account.held_cents)
    last = entries[-1]
    assert (last.balance_after_cents, last.held_after_cents) == (account.balance_cents, account.held_cents)
    open_holds = sum(RetailerOrder.objects.filter(retailer=account.retailer).values_list("held_cents", flat=True))
    assert open_holds == account.held_cents


def test_fifty_confirmations_against_a_balance_for_ten():
    needs_postgres()
    retailer = RetailerFactory(code="R-RACE")
    product = priced_product(retailer_price="33.33")
    # 3 x 33.33 = 99.99 an order; 10 orders = 999.90 exactly.
    deposit(retailer, "999.90")
    orders = [make_order(retailer, [(product, 3)]) for _n in range(50)]
    confirm = services.retailer_order_confirm
    results = race_each([lambda order=order: confirm(acting_user=None, order=order) for order in orders])
    confirmed = [r for r in results if isinstance(r, RetailerOrder)]
    refused = [r for r in results if isinstance(r, services.InsufficientPrepayment)]
    others = [r for r in results if not isinstance(r, RetailerOrder | services.InsufficientPrepayment)]
    assert not others, others
    assert (len(confirmed), len(refused)) == (10, 40)
    assert all(r.extra["shortfall"] == "99.99" for r in refused)
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert (account.balance, account.held, account.available) == (Decimal("999.90"), Decimal("999.90"), 0)
    assert RetailerOrder.objects.filter(status="confirmed").count() == 10
    assert RetailerOrder.objects.filter(status="draft", held_cents=0).count() == 40
    assert PrepaymentEntry.objects.filter(kind="hold").count() == 10
    _assert_ledger_adds_up(account)


def test_two_cancels_of_one_order_release_once():
    needs_postgres()
    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "500.00")
    order = make_order(retailer, [(product, 2)], confirm=True)
    results = race_each([lambda: services.retailer_order_cancel(acting_user=None, order=order, reason="x")] * 2)
    assert sorted(type(r).__name__ for r in results) == ["ApplicationError", "RetailerOrder"]
    assert PrepaymentEntry.objects.filter(kind="release").count() == 1
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert (account.balance_cents, account.held_cents) == (50000, 0)
    _assert_ledger_adds_up(account)


def test_confirm_racing_cancel_on_one_draft_leaves_no_hold_behind():
    needs_postgres()
    for _round in range(5):
        retailer = RetailerFactory()
        product = priced_product(retailer_price="100.00")
        deposit(retailer, "500.00")
        order = make_order(retailer, [(product, 2)])
        results = race_each(
            [
                lambda order=order: services.retailer_order_confirm(acting_user=None, order=order),
                lambda order=order: services.retailer_order_cancel(acting_user=None, order=order, reason="race"),
            ]
        )
        order.refresh_from_db()
        assert order.status == "cancelled", results
        assert order.held_cents == 0
        account = PrepaymentAccount.objects.get(retailer=retailer)
        assert (account.balance_cents, account.held_cents) == (50000, 0)
        kinds = list(PrepaymentEntry.objects.filter(order=order).order_by("pk").values_list("kind", flat=True))
        # Either the confirmation won (hold, then the cancel released it) or the cancel won (nothing held).
        assert kinds in (["hold", "release"], [])
        _assert_ledger_adds_up(account)


def test_concurrent_deposits_with_one_reference_book_once():
    needs_postgres()
    retailer = RetailerFactory()
    results = race_each(
        [
            lambda: services.prepayment_deposit_record(
                acting_user=None, retailer=retailer, amount="100.00", reference="SAME"
            )
        ]
        * 4
    )
    assert sum(isinstance(r, PrepaymentEntry) for r in results) == 1, results
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert account.balance_cents == 10000
    _assert_ledger_adds_up(account)


def test_racing_submissions_with_one_idempotency_key_make_one_order():
    needs_postgres()
    from erp.weeks import IsoWeek

    retailer = RetailerFactory()
    product = priced_product(retailer_price="100.00")
    deposit(retailer, "1000.00")
    lines = [services.RetailerOrderLineInput(product, 2, IsoWeek.current() + 1)]

    def submit():
        return services.retailer_order_submit(
            acting_user=None, retailer=retailer, lines=lines, confirm=True, idempotency_key="same-key"
        )

    results = race_each([submit] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({order.pk for order, _created in results}) == 1
    assert sorted(created for _order, created in results) == [False, False, False, True]
    account = PrepaymentAccount.objects.get(retailer=retailer)
    assert (RetailerOrder.objects.count(), account.held_cents) == (1, 20000)
    _assert_ledger_adds_up(account)
