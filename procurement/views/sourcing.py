"""Staff pages of procurement: suppliers and their offers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from procurement import selectors, services
from procurement.filters import SupplierFilter, SupplierOfferFilter
from procurement.forms import SupplierEditForm, SupplierForm, SupplierStatusForm
from procurement.models import Supplier


class SupplierListView(TempoListView):
    permission_required = "procurement.view_supplier"
    filterset_class = SupplierFilter
    template_name = "procurement/supplier_list.html"
    sortable = ("code", "name", "country", "currency", "payment_terms", "status", "updated_at")
    default_sort = "code"
    queryset = selectors.supplier_list()


class SupplierDetailView(StaffPageMixin, DetailView):
    permission_required = "procurement.view_supplier"
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "procurement/supplier_detail.html"
    queryset = selectors.supplier_list()
    status_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supplier = self.object
        context["status_history"] = selectors.supplier_status_history(supplier=supplier)
        context["trail"] = audit_trail(supplier)
        if self.request.user.has_perm("procurement.view_supplieroffer"):
            context["offers"] = (
                selectors.supplier_offer_list().filter(supplier=supplier).order_by("item__sku", "-valid_from")
            )
        if self.request.user.has_perm("procurement.change_supplier"):
            context["status_form"] = self.status_form or SupplierStatusForm(
                initial={"status": supplier.status, "reason": supplier.status_reason}
            )
        return context


class SupplierStatusView(SupplierDetailView):
    """The status form on the detail page posts here; a refusal shows on the page again."""

    permission_required = "procurement.change_supplier"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = SupplierStatusForm(request.POST)
        if form.is_valid():
            try:
                supplier = services.supplier_set_status(
                    acting_user=request.user, supplier=self.object, **form.cleaned_data
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(code)s is now %(status)s.") % {"code": supplier.code, "status": supplier.get_status_display()},
                )
                return redirect(supplier.get_absolute_url())
        self.status_form = form
        return self.render_to_response(self.get_context_data(object=self.object))


class SupplierCreateView(ServiceFormView):
    permission_required = "procurement.add_supplier"
    form_class = SupplierForm
    cancel_url = reverse_lazy("supplier-list")
    title = _("New supplier")
    success_message = _("Supplier %(object)s created.")

    def get_initial(self):
        return {"currency": "CNY", "country": "CN"}

    def perform(self, form):
        return services.supplier_create(acting_user=self.request.user, **form.cleaned_data)


class SupplierUpdateView(ServiceFormView):
    permission_required = "procurement.change_supplier"
    form_class = SupplierEditForm
    cancel_url = reverse_lazy("supplier-list")
    success_message = _("Supplier %(object)s saved.")

    @cached_property
    def supplier(self) -> Supplier:
        # Looked up only after the access checks, so a 404 never tells outsiders what exists.
        return get_object_or_404(Supplier, code=self.kwargs["code"])

    def get_initial(self):
        return {name: getattr(self.supplier, name) for name in ["code", *services.SUPPLIER_EDITABLE_FIELDS]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(code)s") % {"code": self.supplier.code}
        context["cancel_url"] = self.supplier.get_absolute_url()
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("code")
        reason = data.pop("reason")
        return services.supplier_update(acting_user=self.request.user, supplier=self.supplier, reason=reason, **data)


class SupplierOfferListView(TempoListView):
    permission_required = "procurement.view_supplieroffer"
    filterset_class = SupplierOfferFilter
    template_name = "procurement/offer_list.html"
    sortable = ("supplier__code", "item__sku", "currency", "moq", "lead_time_days", "valid_from", "updated_at")
    default_sort = "supplier__code"
    queryset = selectors.supplier_offer_list()

    def get_queryset(self):
        return super().get_queryset().order_by(self.current_sort(), "item__sku", "-valid_from", "pk")
