"""Staff pages of retailers: list, detail (users, stores, prepayment, orders, history), create, edit,
status changes, inviting and deactivating users. Onboarding in bulk is the Excel import of ``retailers``."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from retail import selectors, services
from retail.filters import RetailerFilter
from retail.forms.retailers import RetailerEditForm, RetailerForm, RetailerInviteForm, RetailerStatusForm
from retail.models import PrepaymentAccount, Retailer, RetailerUser

ONBOARD_PERMISSION = "retail.onboard_retailer"


class RetailerListView(TempoListView):
    permission_required = "retail.view_retailer"
    filterset_class = RetailerFilter
    template_name = "retail/retailer_list.html"
    sortable = ("code", "legal_name", "region", "tier", "status", "balance_cents", "available_cents", "updated_at")
    default_sort = "code"

    def get_queryset(self):
        self.queryset = selectors.retailer_list()
        return super().get_queryset()


class RetailerDetailView(StaffPageMixin, DetailView):
    permission_required = "retail.view_retailer"
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "retail/retailer_detail.html"
    status_form = None
    invite_form = None

    def get_queryset(self):
        return selectors.retailer_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        retailer = self.object
        user = self.request.user
        try:
            context["account"] = retailer.prepayment_account
        except PrepaymentAccount.DoesNotExist:
            context["account"] = None
        context["trail"] = audit_trail(retailer)
        if user.has_perm("retail.view_retaileruser"):
            context["users"] = selectors.retailer_users(retailer=retailer)
        if user.has_perm("retail.view_store"):
            context["stores"] = selectors.retailer_stores(retailer=retailer)
        if user.has_perm("retail.view_retailerorder"):
            orders = selectors.retailer_recent_orders(retailer=retailer)
            for order in orders:
                try:
                    order.url = order.get_absolute_url()
                except NoReverseMatch:  # the order page is not mounted in this build
                    order.url = ""
            context["orders"] = orders
        if user.has_perm("retail.change_retailer"):
            context["status_form"] = self.status_form or RetailerStatusForm(initial={"status": retailer.status})
        if user.has_perm(ONBOARD_PERMISSION):
            context["invite_form"] = self.invite_form or RetailerInviteForm()
        return context


class RetailerStatusView(RetailerDetailView):
    """The status form of the detail page posts here; a refusal shows on the page again."""

    permission_required = "retail.change_retailer"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = RetailerStatusForm(request.POST)
        if form.is_valid():
            try:
                retailer = services.retailer_set_status(
                    acting_user=request.user, retailer=self.object, **form.cleaned_data
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(code)s is now %(status)s.") % {"code": retailer.code, "status": retailer.get_status_display()},
                )
                return redirect(retailer.get_absolute_url())
        self.status_form = form
        return self.render_to_response(self.get_context_data(object=self.object))


class RetailerInviteView(RetailerDetailView):
    permission_required = ("retail.view_retailer", ONBOARD_PERMISSION)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = RetailerInviteForm(request.POST)
        if form.is_valid():
            try:
                link = services.retailer_user_invite(
                    acting_user=request.user, retailer=self.object, **form.cleaned_data
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": link.user.email})
                return redirect(self.object.get_absolute_url())
        self.invite_form = form
        return self.render_to_response(self.get_context_data(object=self.object))


class RetailerUserDeactivateView(StaffPageMixin, DetailView):
    permission_required = ("retail.view_retailer", ONBOARD_PERMISSION)
    http_method_names = ["post"]

    def post(self, request, code, user_id):
        link = get_object_or_404(
            RetailerUser.objects.select_related("user", "retailer"), retailer__code=code, user_id=user_id
        )
        try:
            services.retailer_user_deactivate(acting_user=request.user, link=link)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(email)s can no longer sign in.") % {"email": link.user.email})
        return redirect(link.retailer.get_absolute_url())


class RetailerCreateView(ServiceFormView):
    permission_required = "retail.add_retailer"
    form_class = RetailerForm
    cancel_url = reverse_lazy("retailer-list")
    title = _("New retailer")
    success_message = _("Retailer %(object)s created.")

    def perform(self, form):
        return services.retailer_create(acting_user=self.request.user, **form.cleaned_data)


class RetailerUpdateView(ServiceFormView):
    permission_required = "retail.change_retailer"
    form_class = RetailerEditForm
    cancel_url = reverse_lazy("retailer-list")
    success_message = _("Retailer %(object)s saved.")

    @cached_property
    def retailer(self) -> Retailer:
        # Looked up only after the access checks, so a 404 never tells outsiders what exists.
        return get_object_or_404(Retailer, code=self.kwargs["code"])

    def get_initial(self):
        return {name: getattr(self.retailer, name) for name in ["code", *services.RETAILER_EDITABLE_FIELDS]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(code)s") % {"code": self.retailer.code}
        context["cancel_url"] = self.retailer.get_absolute_url()
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("code")
        reason = data.pop("reason")
        return services.retailer_update(acting_user=self.request.user, retailer=self.retailer, reason=reason, **data)
