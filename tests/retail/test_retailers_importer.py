"""Onboarding retailers from one Excel file: dry run with per-cell errors, then all or nothing, with
prepayment accounts, invited users and invitation emails that leave only after the commit."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from erp.excel.datasets import dataset_get
from erp.excel.engine import format_error, run_import
from erp.excel.services import import_run_commit, import_run_create
from retail.models import PrepaymentAccount, Retailer, RetailerUser
from tests.erp.excel_helpers import body_bytes, sheet_values
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db

HEADER = [
    "code",
    "legal_name",
    "region",
    "tier",
    "status",
    "contact_name",
    "contact_email",
    "contact_phone",
    "payment_terms",
    "user_email",
    "user_name",
    "user_is_admin",
    "user2_email",
    "user2_name",
    "user2_is_admin",
]


def row(code, *, name=None, region="East", tier=2, status="active", email="", user="", user2="", **extra):
    values = {
        "code": code,
        "legal_name": name or f"{code} Trading Co., Ltd.",
        "region": region,
        "tier": tier,
        "status": status,
        "contact_name": "Wang Wei",
        "contact_email": email or f"orders@{code.lower()}.cn",
        "contact_phone": "+86 21 5555 0101",
        "payment_terms": "100% prepayment",
        "user_email": user,
        "user_name": "Li Na" if user else "",
        "user_is_admin": "yes" if user else "",
        "user2_email": user2,
        "user2_name": "",
        "user2_is_admin": "",
        **extra,
    }
    return [values[name] for name in HEADER]


def workbook(tmp_path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "retailers"
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    path = tmp_path / "retailers.xlsx"
    book.save(path)
    return path


def run(tmp_path, rows, *, dry_run=False, user=None, header=HEADER):
    path = workbook(tmp_path, rows, header)
    return run_import(dataset_get("retailers"), str(path), file_name="r.xlsx", acting_user=user, dry_run=dry_run)


def errors(outcome):
    return sorted((e["row"], e["column"], e["message"]) for e in outcome.errors)


def test_a_400_row_file_dry_runs_then_commits_with_accounts_users_and_emails_after_commit(
    tmp_path, sales_user, django_capture_on_commit_callbacks
):
    rows = [
        row(
            f"R-{n:04d}",
            tier=1 + n % 3,
            user=f"buyer{n}@shop{n}.cn",
            user2=f"clerk{n}@shop{n}.cn" if n % 4 == 0 else "",
        )
        for n in range(400)
    ]
    dry = run(tmp_path, rows, dry_run=True, user=sales_user)
    assert dry.ok, [format_error(e) for e in dry.errors[:5]]
    assert (dry.total_rows, dry.created, dry.updated) == (400, 400, 0)
    assert not Retailer.objects.exists() and not get_user_model().objects.filter(email__endswith=".cn").exists()

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = run(tmp_path, rows, user=sales_user)
        assert outcome.ok and outcome.created == 400
        assert not mail.outbox  # nothing is sent before the commit
    assert Retailer.objects.count() == 400 and PrepaymentAccount.objects.count() == 400
    assert RetailerUser.objects.count() == 500
    retailer = Retailer.objects.get(code="R-0004")
    assert retailer.tier == 2 and retailer.contact_email == "orders@r-0004.cn"
    links = {link.user.email: link.is_admin for link in retailer.users.select_related("user")}
    assert links == {"buyer4@shop4.cn": True, "clerk4@shop4.cn": False}
    user = get_user_model().objects.get(email="buyer4@shop4.cn")
    assert not user.has_usable_password() and not user.is_staff and user.groups.filter(name="retailer").exists()
    history = retailer.history.get()
    assert history.history_user == sales_user and history.history_change_reason == "excel import: retailers"

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 500
    assert "/portal/welcome/" in mail.outbox[0].body


def test_errors_name_their_row_and_cell_and_nothing_is_written(tmp_path):
    RetailerFactory(code="R-TAKEN", legal_name="Someone Else Ltd.")
    taken = retailer_user_for(RetailerFactory(code="R-OTHER"), username="owner@shop.cn", email="owner@shop.cn")
    assert taken
    rows = [
        row("R-A", user="a@shop.cn"),  # 2: fine
        row("R-A", name="Again"),  # 3: code twice in the file
        row("R-TAKEN"),  # 4: another company's code
        row("R-B", email="not-an-email"),  # 5: bad contact email
        row("R-C", user="nobody@"),  # 6: bad user email
        row("R-D", user="Owner@Shop.cn"),  # 7: already has a user
        row("R-E", user="a@shop.cn"),  # 8: user email of row 2 again
        row("R-F", tier=4),  # 9: unknown tier
        row("R-G", tier="gold"),  # 10: unknown tier
        row("R-H", status="sleeping"),  # 11: unknown status
        row("R-I", status="closed", user="i@shop.cn"),  # 12: users for a closed retailer
        row("r g!", region=""),  # 13: bad code, missing region
        row("R-J", user="j@shop.cn", user2="j@shop.cn"),  # 14: same person twice in a row
    ]
    outcome = run(tmp_path, rows, dry_run=True)
    found = errors(outcome)
    assert [(r, c) for r, c, _m in found] == [
        (3, "code"),
        (4, "code"),
        (5, "contact_email"),
        (6, "user_email"),
        (7, "user_email"),
        (8, "user_email"),
        (9, "tier"),
        (10, "tier"),
        (11, "status"),
        (12, "user_email"),
        (13, "code"),
        (13, "contact_email"),  # orders@r g!.cn
        (13, "region"),
        (14, "user2_email"),
    ]
    messages = {(r, c): m for r, c, m in found}
    assert messages[(3, "code")] == "repeats the key R-A of row 2"
    assert "already belongs to Someone Else Ltd." in messages[(4, "code")]
    assert messages[(7, "user_email")] == "owner@shop.cn already has a user"
    assert messages[(8, "user_email")] == "a@shop.cn is also a user in row 2"
    assert "not a tier" in messages[(9, "tier")] and "not a tier" in messages[(10, "tier")]
    assert "closed retailer" in messages[(12, "user_email")]
    # Every bad cell of a row is reported at once.
    several = run(tmp_path, [row("R-Z", tier=7, email="bad-email", user="also bad", status="x")], dry_run=True)
    assert [(r, c) for r, c, _m in errors(several)] == [
        (2, "contact_email"),
        (2, "status"),
        (2, "tier"),
        (2, "user_email"),
    ]
    # The same file committed is refused whole.
    committed = run(tmp_path, rows)
    assert not committed.ok and not committed.written
    assert set(Retailer.objects.values_list("code", flat=True)) == {"R-TAKEN", "R-OTHER"}
    assert not get_user_model().objects.filter(email="a@shop.cn").exists() and not mail.outbox


def test_one_bad_row_in_the_last_chunk_rolls_back_everything_and_sends_nothing(
    tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("erp.excel.engine.CHUNK_ROWS", 10)  # earlier chunks are written before the bad one is seen
    rows = [row(f"R-{n:03d}", user=f"u{n}@shop.cn") for n in range(25)] + [row("R-BAD", tier=9)]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run(tmp_path, rows)
    assert not outcome.ok and errors(outcome) == [
        (27, "tier", "'9' is not a tier: use 1 (key account), 2 (standard) or 3 (small)")
    ]
    assert (
        not Retailer.objects.exists() and not RetailerUser.objects.exists() and not PrepaymentAccount.objects.exists()
    )
    assert not mail.outbox


def test_existing_retailers_are_updated_by_code_and_can_get_new_users(tmp_path, sales_user):
    retailer = RetailerFactory(code="R-OLD", legal_name="Old Shop Ltd.", tier=3)
    PrepaymentAccount.objects.filter(retailer=retailer).delete()
    outcome = run(tmp_path, [row("R-OLD", name="Old Shop Ltd.", tier=1, user="new@old.cn")], user=sales_user)
    assert outcome.ok and outcome.updated == 1, outcome.errors
    retailer.refresh_from_db()
    assert retailer.tier == 1 and retailer.users.get().user.email == "new@old.cn"
    assert PrepaymentAccount.objects.filter(retailer=retailer).exists()
    assert retailer.history.order_by("-history_id").first().history_user == sales_user


def test_the_export_is_the_retailer_list_and_imports_back_unchanged(tmp_path, client, sales_user):
    run(tmp_path, [row("R-X", user="x@shop.cn", user2="y@shop.cn"), row("R-Y", tier=1)])
    client.force_login(sales_user)
    export = client.get("/excel/retailers/export/?format=xlsx&tier=2")
    assert export.status_code == 200
    content = body_bytes(export)
    rows = [r for r in sheet_values(content, "retailers") if any(c is not None for c in r)]
    assert list(rows[0]) == HEADER
    assert len(rows) == 2 and rows[1][0] == "R-X"
    assert rows[1][9:] == ("x@shop.cn", "Li Na", True, "y@shop.cn", None, False)
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    again = run_import(dataset_get("retailers"), str(path), file_name="e.xlsx", acting_user=None, dry_run=False)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 1), again.errors
    assert RetailerUser.objects.count() == 2


def test_upload_dry_run_then_commit_through_the_import_runs(tmp_path, sales_user, django_capture_on_commit_callbacks):
    path = workbook(tmp_path, [row("R-UP", user="up@shop.cn")])
    upload = SimpleUploadedFile("retailers.xlsx", path.read_bytes())
    dry = import_run_create(acting_user=sales_user, dataset_name="retailers", upload=upload, dry_run=True)
    assert dry.status == "succeeded" and dry.created_count == 1 and not Retailer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        committed = import_run_commit(acting_user=sales_user, run=dry)
    assert committed.status == "succeeded" and Retailer.objects.filter(code="R-UP").exists()
    assert [m.to for m in mail.outbox] == [["up@shop.cn"]]


def test_only_users_who_may_onboard_can_import(make_user):
    from erp import roles

    dataset = dataset_get("retailers")
    assert dataset.can_import(make_user(roles.SALES))
    assert not dataset.can_import(make_user(roles.FINANCE)) and dataset.can_view(make_user(roles.FINANCE))
