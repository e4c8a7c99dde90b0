"""The retailer's own users: everyone sees the list; a retailer admin invites and deactivates."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.web import form_add_application_error
from retail.selectors.portal import portal_user, portal_users
from retail.services import retailer_user_deactivate, retailer_user_invite
from retail.views.portal_base import RetailerPageMixin


class InviteForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    is_admin = forms.BooleanField(label=_("Portal admin (may invite and deactivate users)"), required=False)


class RetailerAdminRequired:
    """Only a retailer admin may change the company's users; others get a 403 on every POST."""

    def check_admin(self):
        if not self.membership.is_admin:
            raise PermissionDenied("Only your company's portal admin can change its users.")


class PortalUsersView(RetailerAdminRequired, RetailerPageMixin, TemplateView):
    template_name = "portal/users.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["links"] = portal_users(retailer=self.retailer)
        context.setdefault("form", InviteForm())
        return context

    def post(self, request, *args, **kwargs):
        self.check_admin()
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                link = retailer_user_invite(acting_user=request.user, retailer=self.retailer, **form.cleaned_data)
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(email)s is invited; they get an email to set a password.") % {"email": link.user.email},
                )
                return redirect("portal:users")
        return self.render_to_response(self.get_context_data(form=form))


class PortalUserDeactivateView(RetailerAdminRequired, RetailerPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        self.check_admin()
        link = portal_user(retailer=self.retailer, pk=pk)  # 404 for another company's user
        try:
            retailer_user_deactivate(acting_user=request.user, link=link)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(email)s can no longer sign in.") % {"email": link.user.email})
        return redirect("portal:users")
