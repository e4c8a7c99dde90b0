"""Building blocks for staff pages: access control, lists with search, filters,
sorting and pagination, and turning service errors into form errors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView
from django_filters.views import FilterView

from erp.errors import ApplicationError
from erp.roles import user_is_retailer, user_is_staff_member


class StaffPageMixin(AccessMixin):
    """Staff only: anonymous users go to the login page, retailers to their portal,
    staff without ``permission_required`` get a 403."""

    permission_required: str | tuple[str, ...] | None = None
    redirect_retailers = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_staff_member(user):
            if user_is_retailer(user) and request.method == "GET" and self.redirect_retailers:
                return redirect("portal:home")
            raise PermissionDenied("Staff only.")
        perms = (self.permission_required,) if isinstance(self.permission_required, str) else self.permission_required
        if perms and not user.has_perms(perms):
            raise PermissionDenied("You do not have the permission for this page.")
        return super().dispatch(request, *args, **kwargs)


class TempoListView(StaffPageMixin, FilterView):
    """A list page: django-filter form, ``?sort=field`` / ``?sort=-field`` over
    ``sortable`` columns, and 50 rows a page."""

    paginate_by = 50
    sortable: tuple[str, ...] = ()
    default_sort = ""
    # django-filter's strict mode: an invalid filter shows its error above an empty list.
    strict = True

    def current_sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort.removeprefix("-") in self.sortable else self.default_sort

    def get_queryset(self):
        queryset = super().get_queryset()
        sort = self.current_sort()
        return queryset.order_by(sort, "pk") if sort else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current_sort"] = self.current_sort()
        return context


def form_add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: beside the fields it names, else above the form."""
    on_form = {name: texts for name, texts in error.field_errors.items() if name in form.fields}
    for name, texts in on_form.items():
        for text in texts:
            form.add_error(name, text)
    if not on_form:
        form.add_error(None, error.message)


class ServiceFormView(StaffPageMixin, FormView):
    """A form page whose valid submission is handed to a service.

    ``perform`` calls the service and returns the saved object; a refusal
    (``ApplicationError``) comes back as form errors with nothing written.
    """

    template_name = "erp/form.html"
    title = ""
    success_message = ""
    cancel_url = reverse_lazy("dashboard")

    def perform(self, form):
        raise NotImplementedError

    def get_success_url_for(self, obj) -> str:
        return obj.get_absolute_url()

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ApplicationError as error:
            form_add_application_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": obj})
        return redirect(self.get_success_url_for(obj))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["cancel_url"] = self.cancel_url
        return context
