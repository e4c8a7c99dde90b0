from django.views.generic import TemplateView

from retail.views.portal_base import RetailerPageMixin


class PortalHomeView(RetailerPageMixin, TemplateView):
    template_name = "portal/home.html"
