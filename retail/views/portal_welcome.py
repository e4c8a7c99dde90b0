"""The invitation link: an invited retailer user sets a password, then lands in the portal."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class WelcomeView(auth_views.PasswordResetConfirmView):
    template_name = "portal/welcome.html"
    success_url = reverse_lazy("portal:home")
    post_reset_login = True
    # Retailer users sign in with the default backend; axes or others may sit in front of it.
    post_reset_login_backend = "erp.permissions_backend.ModelPermissionBackend"
