"""Token issue and revocation. Tokens are knox tokens: stored as a hash, expiring, revocable."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.views import LoginView, LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny

from erp.api.auth_backends import TokenAuthentication
from erp.models import ApiToken
from erp.services import api_token_create, api_token_revoke, api_token_revoke_all

_token_response = inline_serializer(
    "TokenResponse",
    {
        "token": serializers.CharField(),
        "expiry": serializers.DateTimeField(allow_null=True),
    },
)


class TokenCreateView(LoginView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: _token_response,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed attempts for this username from this IP: locked out."),
        },
        tags=["auth"],
    )
    def post(self, request, format=None):
        # The Django request, not DRF's wrapper: a lockout flag set on it reaches the axes middleware,
        # which answers 429 with the lockout message (erp.lockout).
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)

    def create_token(self):
        # Our service, so the token gets its scope record (knox's create_token would not).
        record, plaintext = api_token_create(acting_user=self.request.user, user=self.request.user, label="API login")
        return record.token, plaintext


class TokenRevokeView(LogoutView):
    """Revoke the token used for this request."""

    token_scopes = (
        "staff",
        "retailer",
        "supplier",
        "factory",
        "shop",
    )

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        # Through our service, so the record says who revoked it and when (knox would only delete it).
        try:
            record = request.auth.tempo_token
        except ApiToken.DoesNotExist:
            return super().post(request, format=format)
        api_token_revoke(acting_user=request.user, api_token=record, reason="revoked through the API")
        return self.get_post_response(request)


class TokenRevokeAllView(LogoutAllView):
    """Revoke every token of the requesting user."""

    token_scopes = (
        "staff",
        "retailer",
        "supplier",
        "factory",
        "shop",
    )

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        api_token_revoke_all(acting_user=request.user, user=request.user, reason="all revoked through the API")
        return self.get_post_response(request)
