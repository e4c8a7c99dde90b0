"""Security of the retailer portal.

1. Retailer A asking for retailer B's orders, stores, users and notices gets a 404, never B's data,
   and nothing of B's changes.
2. A retailer user gets 403 on every staff page, found by walking the URL resolver (so a page added
   later is covered without touching this test), and never reaches the admin.
3. A staff user without a retailer link cannot open the portal.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from retail.models import RetailerOrder, RetailerUser
from tests.erp.factories import UserFactory
from tests.retail.portal_world import build_world

pytestmark = pytest.mark.django_db

# Everything a retailer may open or that is not a staff page: the portal itself, sign-in and out,
# the language switch, the health probe, the API (token or session checked by DRF, tested by the API
# owners), the admin, checked on its own below, and the account pages every signed-in user has (their
# own API tokens; another user's token is a 404: tests/erp/test_token_pages.py).
SKIPPED_PREFIXES = ("portal/", "login/", "logout/", "i18n/", "healthz", "api/", "admin/", "account/")
DUMMY = {
    "int": "987654",
    "str": "NO-SUCH-1",
    "slug": "no-such-1",
    "path": "no/such",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def staff_urls() -> list[str]:
    urls = []
    for route, _name in _routes(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        assert not route.startswith("^"), f"a regex URL pattern {route!r} is not covered by this test"
        urls.append("/" + PARAM.sub(lambda m: DUMMY[m.group(1) or "str"], route))
    return sorted(set(urls))


def test_the_walk_finds_the_staff_pages():
    urls = staff_urls()
    assert len(urls) > 40
    for expected in ("/", "/dashboard/", "/items/", "/items/NO-SUCH-1/edit/", "/excel/runs/987654/"):
        assert expected in urls
    assert not [url for url in urls if url.startswith("/portal/")]


@pytest.fixture(scope="module")
def _staff_urls():
    return staff_urls()


@pytest.fixture
def world():
    return build_world()


def _no_data(response, side) -> None:
    body = response.content.decode(errors="replace")
    assert side.retailer.legal_name not in body
    assert side.retailer.code not in body


def test_retailer_users_get_403_on_every_staff_page(client, world, _staff_urls):
    _product, a, _b = world
    client.force_login(a.admin)
    bad = []
    for url in _staff_urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            if status in (403, 404):
                continue
            # The staff dashboard and the root send a retailer to its portal, nowhere else.
            if method == "get" and status == 302 and response.url.startswith("/portal/"):
                continue
            if method == "post" and status == 405:
                continue
            # The root only points at the staff dashboard, which is itself checked here.
            if url == "/" and status == 302 and response.url == "/dashboard/":
                continue
            bad.append((method.upper(), url, status, response.get("Location", "")))
    assert bad == []


def test_a_retailer_never_reaches_the_admin(client, world):
    _product, a, _b = world
    client.force_login(a.admin)
    for url in ("/admin/", "/admin/retail/retailerorder/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response.url.startswith("/admin/login/"), response.url
        assert b"Site administration" not in response.content


def test_cross_retailer_matrix_is_404_and_changes_nothing(client, world):
    _product, a, b = world
    client.force_login(a.admin)
    b_admin_link = RetailerUser.objects.get(user=b.admin)
    b_user_link = RetailerUser.objects.get(user=b.user)
    matrix = [
        ("get", reverse("portal:order-detail", args=[b.confirmed.number])),
        ("get", reverse("portal:order-detail", args=[b.draft.number])),
        ("post", reverse("portal:order-cancel", args=[b.confirmed.number])),
        ("post", reverse("portal:order-confirm", args=[b.draft.number])),
        ("get", reverse("portal:store-detail", args=[b.store.location.code])),
        ("post", reverse("portal:user-deactivate", args=[b_admin_link.pk])),
        ("post", reverse("portal:user-deactivate", args=[b_user_link.pk])),
        ("post", reverse("portal:notice-read", args=[b.notice.pk])),
        # Ids that exist nowhere look the same as B's.
        ("get", reverse("portal:order-detail", args=["RO-2026-999999"])),
        ("get", reverse("portal:store-detail", args=["ST-NOWHERE"])),
        ("post", reverse("portal:user-deactivate", args=[987654])),
        ("post", reverse("portal:notice-read", args=[987654])),
    ]
    for method, url in matrix:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        _no_data(response, b)
    b.confirmed.refresh_from_db()
    b.draft.refresh_from_db()
    b.notice.refresh_from_db()
    b.user.refresh_from_db()
    b.admin.refresh_from_db()
    assert (b.confirmed.status, b.draft.status) == ("confirmed", "draft")
    assert b.notice.read_at is None and b.user.is_active and b.admin.is_active


def test_every_portal_page_with_an_id_is_in_the_matrix():
    """A new portal URL that takes an id must be added to the matrix above."""
    covered = {"order-detail", "order-cancel", "order-confirm", "store-detail", "user-deactivate", "notice-read"}
    # Not company data: the invitation link (token-checked) and the upload kind (a fixed name).
    not_ids = {"welcome", "store-upload", "store-upload-template"}
    with_params = {
        name for route, name in _routes(get_resolver().url_patterns) if route.startswith("portal/") and "<" in route
    }
    assert with_params == covered | not_ids


def test_lists_and_statement_show_only_own_rows(client, world):
    _product, a, b = world
    client.force_login(a.user)
    pages = [
        reverse("portal:home"),
        reverse("portal:orders"),
        reverse("portal:orders") + "?status=confirmed",
        reverse("portal:statement"),
        reverse("portal:statement") + f"?retailer={b.retailer.pk}&account={b.retailer.pk}",
        reverse("portal:users"),
        reverse("portal:stores"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _no_data(response, b)
        for order in RetailerOrder.objects.filter(retailer=b.retailer):
            assert order.number not in response.content.decode(), url
    statement = client.get(reverse("portal:statement")).context["statement"]
    assert statement.retailer == a.retailer


def test_staff_without_retailer_link_cannot_open_the_portal(client, world):
    for roles in (["sales"], ["admin"], ["finance"]):
        client.force_login(UserFactory(roles=roles))
        for url in (reverse("portal:home"), reverse("portal:orders"), reverse("portal:statement")):
            assert client.get(url).status_code == 403, (roles, url)


def test_a_deactivated_retailer_user_is_signed_out_of_the_portal(client, world):
    _product, a, _b = world
    client.force_login(a.user)
    a.user.is_active = False
    a.user.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
