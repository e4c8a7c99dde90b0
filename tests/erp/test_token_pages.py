"""The API token pages: /account/tokens/ (everyone's own tokens), /api-tokens/ (all tokens, for
administrators), the admin, and when authentication records a token's last use."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from erp import roles
from erp.models import ApiToken, TokenScope
from erp.services import api_token_create, api_token_revoke, api_token_touch
from tests.erp.factories import UserFactory
from tests.retail.factories import RetailerFactory, retailer_user_for

pytestmark = pytest.mark.django_db

ACCOUNT = "/account/tokens/"
STAFF_LIST = "/api-tokens/"


def _token(user, label="script", **kwargs):
    return api_token_create(acting_user=user, user=user, label=label, **kwargs)


def _revoke_url(record) -> str:
    return reverse("account-token-revoke", args=[record.pk])


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="erp", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # no permission cache


# --- /account/tokens/ ------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client):
    for url in (ACCOUNT, STAFF_LIST):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/?next="), url


@pytest.mark.parametrize("kind", ["staff", "retailer"])
def test_own_list_shows_only_own_tokens(client, kind):
    me = UserFactory(roles=[roles.SALES]) if kind == "staff" else retailer_user_for(RetailerFactory())
    other = UserFactory(roles=[roles.SALES])
    mine, _ = _token(me, "my laptop")
    theirs, _ = _token(other, "their server")
    client.force_login(me)
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    assert [t.pk for t in response.context["object_list"]] == [mine.pk]
    html = response.content.decode()
    assert "my laptop" in html and mine.token_key in html
    assert "their server" not in html and theirs.token_key not in html
    assert reverse("account-token-revoke", args=[mine.pk]) in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_statuses_are_shown_and_only_active_tokens_have_a_revoke_button(client):
    me = UserFactory(roles=[roles.SALES])
    active, _ = _token(me, "active one")
    expired, _ = _token(me, "expired one", expiry_days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(hours=1))
    revoked, _ = _token(me, "revoked one")
    api_token_revoke(acting_user=me, api_token=revoked)
    client.force_login(me)
    response = client.get(ACCOUNT)
    statuses = {t.label: t.current_status for t in response.context["object_list"]}
    assert statuses == {"active one": "active", "expired one": "expired", "revoked one": "revoked"}
    html = response.content.decode()
    assert _revoke_url(active) in html
    assert _revoke_url(expired) not in html and _revoke_url(revoked) not in html


def test_the_plaintext_is_shown_once_and_works(client, api_client):
    me = UserFactory(roles=[roles.SALES])
    client.force_login(me)
    response = client.post(ACCOUNT, {"label": "nightly export", "expiry_days": "7"})
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    record = ApiToken.objects.get(user=me)
    assert plaintext.startswith(record.token_key) and plaintext in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert record.label == "nightly export" and record.created_by == me and record.scope == TokenScope.STAFF
    assert timedelta(days=6, hours=23) < record.expiry - timezone.now() <= timedelta(days=7)
    # Not kept anywhere: not in the session, not on the next page view.
    assert plaintext not in str(dict(client.session))
    again = client.get(ACCOUNT).content.decode()
    assert plaintext not in again and record.token_key in again
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/items/").status_code == 200


def test_the_form_has_a_default_expiry_and_a_retailer_gets_a_retailer_token(client):
    user = retailer_user_for(RetailerFactory())
    client.force_login(user)
    assert client.get(ACCOUNT).context["form"]["expiry_days"].value() == 30  # API_TOKEN_TTL_DAYS
    client.post(ACCOUNT, {"label": "shop sync", "expiry_days": "30"})
    assert ApiToken.objects.get(user=user).scope == TokenScope.RETAILER


@pytest.mark.parametrize("days", ["0", "366", "-1", "abc", ""])
def test_a_bad_expiry_is_a_form_error_and_writes_nothing(client, days):
    me = UserFactory(roles=[roles.SALES])
    client.force_login(me)
    response = client.post(ACCOUNT, {"label": "x", "expiry_days": days})
    assert response.status_code == 200
    assert response.context["form"].errors["expiry_days"]
    assert response.context["plaintext"] is None
    assert not ApiToken.objects.exists() and not AuthToken.objects.exists()


def test_a_missing_label_is_a_form_error(client):
    client.force_login(UserFactory(roles=[roles.SALES]))
    response = client.post(ACCOUNT, {"label": "  ", "expiry_days": "5"})
    assert response.context["form"].errors["label"]
    assert not ApiToken.objects.exists()


def test_revoke_works_and_the_token_stops_authenticating(client, api_client):
    me = UserFactory(roles=[roles.SALES])
    record, plaintext = _token(me)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/items/").status_code == 200
    client.force_login(me)
    assert client.get(_revoke_url(record)).status_code == 405  # POST only
    response = client.post(_revoke_url(record))
    assert response.status_code == 302 and response.url == ACCOUNT
    record.refresh_from_db()
    assert record.revoked_at is not None and record.revoked_by == me and record.token is None
    assert record.history.first().history_change_reason == "revoked by its owner"
    assert api_client.get("/api/v1/items/").status_code == 401
    assert "revoked" in client.get(ACCOUNT).content.decode().lower()


def test_revoke_needs_the_csrf_token(client):
    from django.test import Client

    me = UserFactory(roles=[roles.SALES])
    record, _ = _token(me)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)
    assert strict.post(_revoke_url(record)).status_code == 403
    assert ApiToken.objects.get(pk=record.pk).revoked_at is None


def test_another_users_token_is_a_404(client, api_client):
    me, other = UserFactory(roles=[roles.SALES]), UserFactory(roles=[roles.SALES])
    theirs, plaintext = _token(other)
    client.force_login(me)
    assert client.post(_revoke_url(theirs)).status_code == 404
    assert client.post(reverse("account-token-revoke", args=[987654])).status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/items/").status_code == 200
    # Even an administrator revokes other users' tokens on the staff page, not on their own.
    client.force_login(UserFactory(roles=[roles.ADMIN], is_superuser=True))
    assert client.post(_revoke_url(theirs)).status_code == 404


# --- /api-tokens/ ----------------------------------------------------------------------


def test_the_staff_list_needs_the_permission(client):
    client.force_login(UserFactory(roles=[roles.SALES]))
    assert client.get(STAFF_LIST).status_code == 403
    client.force_login(retailer_user_for(RetailerFactory()))
    assert client.get(STAFF_LIST).status_code == 403
    viewer = _grant(UserFactory(roles=[roles.SALES]), "view_apitoken")
    record, _ = _token(viewer)
    client.force_login(viewer)
    response = client.get(STAFF_LIST)
    assert response.status_code == 200
    assert response.context["can_revoke"] is False
    assert reverse("api-token-revoke", args=[record.pk]) not in response.content.decode()
    # Viewing is not revoking.
    assert client.get(reverse("api-token-revoke", args=[record.pk])).status_code == 403
    assert client.post(reverse("api-token-revoke", args=[record.pk]), {"reason": "x"}).status_code == 403
    assert ApiToken.objects.get(pk=record.pk).revoked_at is None


def test_the_navigation_links_the_staff_list_only_for_those_allowed(client, admin_user):
    client.force_login(UserFactory(roles=[roles.SALES]))
    html = client.get("/dashboard/").content.decode()
    assert f'href="{STAFF_LIST}"' not in html and f'href="{ACCOUNT}"' in html
    client.force_login(admin_user)
    assert f'href="{STAFF_LIST}"' in client.get("/dashboard/").content.decode()


@pytest.fixture
def tokens():
    alice = UserFactory(username="alice", roles=[roles.SALES])
    bob = retailer_user_for(RetailerFactory(), username="bob")
    a1, _ = _token(alice, "alice laptop")
    a2, _ = _token(alice, "alice ci", expiry_days=1)
    ApiToken.objects.filter(pk=a2.pk).update(expiry=timezone.now() - timedelta(minutes=5))
    b1, _ = _token(bob, "bob sync")
    b2, _ = _token(bob, "bob old")
    api_token_revoke(acting_user=bob, api_token=b2)
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2}


def _labels(client, query="") -> list[str]:
    response = client.get(STAFF_LIST + query)
    assert response.status_code == 200
    return [t.label for t in response.context["object_list"]]


def test_staff_list_filters_search_and_sort(client, admin_user, tokens):
    client.force_login(admin_user)
    assert sorted(_labels(client)) == ["alice ci", "alice laptop", "bob old", "bob sync"]
    assert _labels(client, "?sort=label") == ["alice ci", "alice laptop", "bob old", "bob sync"]
    assert _labels(client, "?sort=-label") == ["bob sync", "bob old", "alice laptop", "alice ci"]
    assert sorted(_labels(client, "?scope=retailer")) == ["bob old", "bob sync"]
    assert _labels(client, "?status=active&sort=label") == ["alice laptop", "bob sync"]
    assert _labels(client, "?status=expired") == ["alice ci"]
    assert _labels(client, "?status=revoked") == ["bob old"]
    assert sorted(_labels(client, "?user=ALICE")) == ["alice ci", "alice laptop"]
    assert _labels(client, "?q=laptop") == ["alice laptop"]
    assert sorted(_labels(client, "?q=bob")) == ["bob old", "bob sync"]  # username (and label)
    assert _labels(client, f"?q={tokens['b1'].token_key}") == ["bob sync"]  # prefix
    assert _labels(client, "?q=nothing-like-this") == []
    assert client.get(STAFF_LIST + "?status=bogus").context["filter"].errors
    assert client.get(STAFF_LIST + "?sort=not_a_field").status_code == 200
    html = client.get(STAFF_LIST).content.decode()
    assert reverse("api-token-revoke", args=[tokens["a1"].pk]) in html
    assert reverse("api-token-revoke", args=[tokens["b2"].pk]) not in html  # already revoked


def test_staff_list_paginates(client, admin_user):
    user = UserFactory(roles=[roles.SALES])
    for n in range(55):
        _token(user, f"t{n}")
    client.force_login(admin_user)
    page = client.get(STAFF_LIST)
    assert page.context["paginator"].count == 55 and len(page.context["object_list"]) == 50
    assert len(client.get(STAFF_LIST + "?page=2").context["object_list"]) == 5


def test_staff_list_query_count(client, admin_user, django_assert_num_queries):
    for n in range(12):
        _token(UserFactory(roles=[roles.SALES]), f"t{n}")
    client.force_login(admin_user)
    client.get(STAFF_LIST)  # warm the session and permission caches of this client
    # session, user, groups (role check), count, page (rows with their users, joined); an administrator
    # is a superuser, so no permission query
    with django_assert_num_queries(5):
        assert client.get(STAFF_LIST + "?status=active&sort=-last_used_at").status_code == 200


def test_staff_revoke_needs_a_reason_and_records_it(client, admin_user, api_client):
    user = UserFactory(roles=[roles.SALES])
    record, plaintext = _token(user)
    url = reverse("api-token-revoke", args=[record.pk])
    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200 and user.username in page.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert ApiToken.objects.get(pk=record.pk).revoked_at is None
    response = client.post(url, {"reason": "laptop stolen"})
    assert response.status_code == 302 and response.url == STAFF_LIST
    record.refresh_from_db()
    assert record.revoked_by == admin_user and record.token is None
    assert record.history.first().history_change_reason == "laptop stolen"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/items/").status_code == 401
    assert client.get(reverse("api-token-revoke", args=[987654])).status_code == 404


# --- admin -----------------------------------------------------------------------------


def test_admin_changelist_renders_and_revokes_through_the_service(client, admin_user, tokens):
    client.force_login(admin_user)
    changelist = "/admin/erp/apitoken/"
    response = client.get(changelist)
    assert response.status_code == 200
    html = response.content.decode()
    assert tokens["a1"].token_key in html and "alice laptop" in html
    for query in ("?status=expired", "?scope__exact=retailer", "?q=alice"):
        assert client.get(changelist + query).status_code == 200
    assert len(client.get(changelist + "?status=revoked").context["cl"].result_list) == 1
    detail = client.get(f"{changelist}{tokens['a1'].pk}/change/")
    assert detail.status_code == 200
    digest = AuthToken.objects.get(pk=tokens["a1"].token_id).digest
    assert digest not in detail.content.decode()
    assert client.get(f"{changelist}add/").status_code == 403
    response = client.post(
        changelist,
        {"action": "revoke_tokens", "_selected_action": [tokens["a1"].pk, tokens["b2"].pk]},
    )
    assert response.status_code == 302
    a1 = ApiToken.objects.get(pk=tokens["a1"].pk)
    assert a1.revoked_by == admin_user and a1.token is None
    assert a1.history.first().history_change_reason == "revoked in the admin"


# --- last_used_at ----------------------------------------------------------------------


def test_last_used_at_is_written_once_then_not_again_within_60_seconds(api_client):
    user = UserFactory(roles=[roles.SALES])
    record, plaintext = _token(user)
    assert record.last_used_at is None
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    with CaptureQueriesContext(connection) as first:
        assert api_client.get("/api/v1/items/").status_code == 200
    first_use = ApiToken.objects.get(pk=record.pk).last_used_at
    assert first_use is not None
    with CaptureQueriesContext(connection) as second:
        assert api_client.get("/api/v1/items/").status_code == 200
    assert ApiToken.objects.get(pk=record.pk).last_used_at == first_use
    # The first use costs exactly one UPDATE more; a use within the minute costs nothing extra.
    updates = [q["sql"] for q in first.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "erp_apitoken" in updates[0] and "last_used_at" in updates[0]
    assert len(first.captured_queries) == len(second.captured_queries) + 1
    assert not [q for q in second.captured_queries if q["sql"].startswith("UPDATE")]
    assert record.history.count() == 1  # a use is not a change: no history row

    # Over a minute later it is written again.
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=first_use - timedelta(seconds=61))
    assert api_client.get("/api/v1/items/").status_code == 200
    assert ApiToken.objects.get(pk=record.pk).last_used_at > first_use


def test_the_touch_is_one_conditional_update(django_assert_num_queries):
    user = UserFactory()
    record, _ = _token(user)
    now = timezone.now()
    with django_assert_num_queries(1):
        assert api_token_touch(api_token_id=record.pk, now=now) is True
    with django_assert_num_queries(1):
        assert api_token_touch(api_token_id=record.pk, now=now + timedelta(seconds=59)) is False
    assert ApiToken.objects.get(pk=record.pk).last_used_at == now
    assert api_token_touch(api_token_id=record.pk, now=now + timedelta(seconds=61)) is True
    assert api_token_touch(api_token_id=987654, now=now) is False


def test_a_refused_token_is_not_touched(api_client):
    user = UserFactory(roles=[roles.SALES])
    record, plaintext = _token(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}x")
    assert api_client.get("/api/v1/items/").status_code == 401
    assert ApiToken.objects.get(pk=record.pk).last_used_at is None


def test_revoking_through_the_api_keeps_who_and_when(api_client, make_user):
    user = make_user("planning")
    used, plaintext = api_token_create(acting_user=user, user=user, label="used")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    used.refresh_from_db()
    assert used.revoked_at is not None and used.revoked_by == user and used.token_id is None
    assert used.history.latest().history_change_reason == "revoked through the API"


def test_revoke_all_through_the_api_records_each_token(api_client, make_user):
    user, other = make_user("planning"), make_user("planning")
    mine = [api_token_create(acting_user=user, user=user, label=f"t{i}") for i in range(3)]
    theirs, _ = api_token_create(acting_user=other, user=other)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {mine[0][1]}")
    assert api_client.post("/api/v1/auth/token/revoke-all/").status_code == 204
    for record, _ in mine:
        record.refresh_from_db()
        assert record.revoked_by == user and record.token_id is None
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and theirs.token_id is not None
    assert api_client.get("/api/v1/items/").status_code == 401
