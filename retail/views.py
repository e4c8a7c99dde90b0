"""The retailer self-service portal. For now its home page; orders, prepayments
and statements arrive with the retail slice."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from erp.roles import user_is_retailer


class RetailerPageMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_retailer(request.user):
            raise PermissionDenied("The portal is for retailer users.")
        return super().dispatch(request, *args, **kwargs)


class PortalHomeView(RetailerPageMixin, TemplateView):
    template_name = "portal/home.html"
