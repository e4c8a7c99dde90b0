from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox tokens (hashed at rest, expiring); a header that is not text is a 401, not a crash."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    """Documents our subclass in the OpenAPI schema as knox's token scheme."""

    target_class = TokenAuthentication
