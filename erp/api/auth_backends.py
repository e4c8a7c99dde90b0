import binascii
from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from erp import fixed_sql
from erp.api.token_cache import token_cache_forget, token_cache_get, token_cache_put
from erp.models import ApiToken
from erp.permissions_backend import permissions_column, permissions_preload
from erp.services import api_token_touch, api_token_touch_due
from erp.tokens import scopes_allowed_by, token_scope_of_user

_PERMISSIONS = "user_permission_names"
_TOKEN_PARTS = (
    fixed_sql.Part(get_token_model(), "t"),
    fixed_sql.Part(get_user_model(), "u", relation="user"),
    fixed_sql.Part(ApiToken, "r", relation="tempo_token"),
)


@cache
def _token_sql() -> str:
    """The token with its user and scope record: what ``select_related("user", "tempo_token")`` reads,
    as fixed SQL (every API request runs it; erp/fixed_sql.py says why), and the user's permissions,
    which every API request checks: one statement instead of two."""
    token, user, record = (part.model for part in _TOKEN_PARTS)
    user_id = f"u.{fixed_sql.column(user, 'id')}"
    return (
        f"SELECT {fixed_sql.columns(*_TOKEN_PARTS)}, {permissions_column(user_id)} FROM {fixed_sql.table(token)} t"
        f" JOIN {fixed_sql.table(user)} u ON u.{fixed_sql.column(user, 'id')} = t.{fixed_sql.column(token, 'user')}"
        f" LEFT JOIN {fixed_sql.table(record)} r ON r.{fixed_sql.column(record, 'token')}"
        f" = t.{fixed_sql.column(token, 'digest')}"
        f" WHERE t.{fixed_sql.column(token, 'token_key')} = %s"
    )


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox tokens (hashed at rest, expiring) that carry a scope the view must accept.

    A header that is not text is a 401, not a crash. A valid token on a view whose
    ``token_scopes`` does not include the token's scope is a 403 naming both.

    A token that authenticates has its ``last_used_at`` recorded, at most once a minute
    (``erp.services.api_token_touch``). Whether a write is due is judged from the value loaded
    with the token, so a request within the minute costs no query at all.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth_token = result
        view = (getattr(request, "parser_context", None) or {}).get("view")
        scope = self.scope_of(auth_token)
        allowed = tuple(scopes_allowed_by(view)) if view is not None else ()
        if view is not None and scope not in allowed:
            raise exceptions.PermissionDenied(
                _("This endpoint does not accept %(scope)s tokens (it accepts: %(allowed)s).")
                % {"scope": scope, "allowed": ", ".join(allowed)}
            )
        return user, auth_token

    @staticmethod
    def _record(auth_token) -> ApiToken | None:
        try:
            return auth_token.tempo_token
        except ApiToken.DoesNotExist:
            return None

    def _touch(self, auth_token, now) -> None:
        record = self._record(auth_token)
        due = record is not None and api_token_touch_due(record.last_used_at, now)
        if due and api_token_touch(api_token_id=record.pk, now=now):
            record.last_used_at = now

    def scope_of(self, auth_token) -> str:
        record = self._record(auth_token)
        if record is not None:
            return record.scope
        # A knox token made without erp.services.api_token_create (before scopes existed):
        # it gets the scope its user would get today.
        return token_scope_of_user(auth_token.user)

    @staticmethod
    def _expired(auth_token, now) -> bool:
        return auth_token.expiry is not None and auth_token.expiry < now

    def _cleanup_token(self, auth_token, now=None) -> bool:
        """Deletes this token if it has expired. knox also scans the user's other tokens here on every
        request, a query per request; expired tokens are refused when used and swept by
        ``erp.services.api_token_sweep_expired`` (when the user is issued a token) instead."""
        if self._expired(auth_token, now or timezone.now()):
            token_cache_forget(auth_token.digest)
            auth_token.delete()
            return True
        return False

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        # knox's own loop, with the scope record and the permissions fetched in the same query, and
        # skipped for a token that authenticated here a moment ago (erp/api/token_cache.py).
        msg = _("Invalid token.")
        token = token.decode("utf-8")
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error) as error:
            raise exceptions.AuthenticationFailed(msg) from error
        now = timezone.now()
        recent = token_cache_get(digest)
        if recent is not None and not self._expired(recent[1], now):
            self._touch(recent[1], now)
            return recent
        key = token[: CONSTANTS.TOKEN_KEY_LENGTH]
        candidates = fixed_sql.fetch(_token_sql(), [key], *_TOKEN_PARTS, annotations=[_PERMISSIONS])
        for auth_token in candidates:
            if self._cleanup_token(auth_token, now):
                continue
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                user, auth_token = self.validate_user(auth_token)
                permissions_preload(user, getattr(auth_token, _PERMISSIONS))
                self._touch(auth_token, now)
                token_cache_put(digest, user, auth_token)
                return user, auth_token
        raise exceptions.AuthenticationFailed(msg)


class TokenScheme(KnoxTokenScheme):
    """Documents our subclass in the OpenAPI schema as knox's token scheme."""

    target_class = TokenAuthentication
