"""The portal dashboard and the retailer's notices."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from retail.selectors.portal import portal_dashboard, portal_notices
from retail.views.portal_base import RetailerPageMixin


class PortalHomeView(RetailerPageMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dash"] = portal_dashboard(retailer=self.retailer)
        return context


class NoticeReadView(RetailerPageMixin, View):
    """POST: mark one notice (``pk``) or all unread notices of the retailer read."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        notices = portal_notices(retailer=self.retailer).filter(read_at__isnull=True)
        if pk is not None:
            if not portal_notices(retailer=self.retailer).filter(pk=pk).exists():
                raise Http404("No such notice.")
            notices = notices.filter(pk=pk)
        notices.update(read_at=timezone.now())
        return redirect("portal:home")
