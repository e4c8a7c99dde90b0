"""What every portal page shares: only an active retailer user gets in, and only to its own company."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from erp.roles import user_is_retailer
from retail.models import RetailerUser


class RetailerPageMixin(AccessMixin):
    """Sets ``self.retailer`` and ``self.membership``; every query on a portal page filters by them."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_retailer(request.user):
            raise PermissionDenied("The portal is for retailer users.")
        membership = RetailerUser.objects.select_related("retailer").filter(user=request.user).first()
        if membership is None:
            raise PermissionDenied("Your user is not linked to a retailer yet; ask your account manager.")
        self.membership = membership
        self.retailer = membership.retailer
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retailer"] = self.retailer
        context["membership"] = self.membership
        return context
