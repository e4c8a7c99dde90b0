"""Staff pages of the kernel, the dashboard and the health probe."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView, View

from erp import selectors, services
from erp.audit import audit_trail
from erp.errors import ApplicationError
from erp.filters import ApiTokenFilter, FxRateFilter, ItemFilter, PriceFilter
from erp.forms import (
    ApiTokenCreateForm,
    ApiTokenRevokeForm,
    FxRateForm,
    ItemEditForm,
    ItemForm,
    PriceEditForm,
    PriceForm,
)
from erp.models import ApiToken, ApiTokenStatus, Item, Price
from erp.roles import ROLE_LABELS, user_is_retailer, user_roles
from erp.web import ServiceFormView, StaffPageMixin, TempoListView, form_add_application_error
from erp.weeks import IsoWeek, business_date


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_success_url(self):
        if user_is_retailer(self.request.user):
            return reverse("portal:home")
        return super().get_success_url()


class DashboardView(StaffPageMixin, TemplateView):
    template_name = "erp/dashboard.html"
    redirect_retailers = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = business_date()
        context["week"] = IsoWeek.of(today)
        context["roles"] = [ROLE_LABELS.get(role, role) for role in sorted(user_roles(self.request.user))]
        context["item_counts"] = Item.objects.aggregate(
            products=Count("pk", filter=Q(kind=Item.Kind.PRODUCT)),
            assemblies=Count("pk", filter=Q(kind=Item.Kind.ASSEMBLY)),
            components=Count("pk", filter=Q(kind=Item.Kind.COMPONENT)),
        )
        context["prices_in_force"] = selectors.prices_in_force(today).count()
        return context


class ItemListView(TempoListView):
    permission_required = "erp.view_item"
    model = Item
    filterset_class = ItemFilter
    template_name = "erp/item_list.html"
    sortable = (
        "sku",
        "name",
        "kind",
        "lifecycle_status",
        "batch_multiple",
        "case_pack",
        "family",
        "updated_at",
    )
    default_sort = "sku"


class ItemDetailView(StaffPageMixin, DetailView):
    permission_required = "erp.view_item"
    model = Item
    slug_field = "sku"
    slug_url_kwarg = "sku"
    template_name = "erp/item_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        context["prices"] = item.prices.order_by("-valid_from")
        context["price_today"] = selectors.price_in_force(item=item, on=business_date())
        context["trail"] = audit_trail(item)
        return context


class ItemCreateView(ServiceFormView):
    permission_required = "erp.add_item"
    form_class = ItemForm
    cancel_url = reverse_lazy("item-list")
    title = _("New item")
    success_message = _("Item %(object)s created.")

    def perform(self, form):
        return services.item_create(acting_user=self.request.user, **form.cleaned_data)


class ItemUpdateView(ServiceFormView):
    permission_required = "erp.change_item"
    form_class = ItemEditForm
    cancel_url = reverse_lazy("item-list")
    success_message = _("Item %(object)s saved.")

    @cached_property
    def item(self) -> Item:
        # Looked up only after the access checks, so a 404 never tells outsiders what exists.
        return get_object_or_404(Item, sku=self.kwargs["sku"])

    def get_initial(self):
        return {name: getattr(self.item, name) for name in ["sku", *services.ITEM_EDITABLE_FIELDS]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(sku)s") % {"sku": self.item.sku}
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("sku")
        reason = data.pop("reason")
        return services.item_update(acting_user=self.request.user, item=self.item, reason=reason, **data)


class PriceListView(TempoListView):
    permission_required = "erp.view_price"
    model = Price
    filterset_class = PriceFilter
    template_name = "erp/price_list.html"
    sortable = ("item__sku", "list_price", "retailer_price", "valid_from", "valid_to")
    default_sort = "item__sku"

    def get_queryset(self):
        return super().get_queryset().select_related("item")


class PriceCreateView(ServiceFormView):
    permission_required = "erp.add_price"
    form_class = PriceForm
    cancel_url = reverse_lazy("price-list")
    title = _("New price period")
    success_message = _("Price %(object)s saved.")

    def get_initial(self):
        return {"item": self.request.GET.get("sku"), "valid_from": business_date()}

    def perform(self, form):
        return services.price_create(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url_for(self, obj):
        return obj.item.get_absolute_url()


class PriceUpdateView(ServiceFormView):
    permission_required = "erp.change_price"
    form_class = PriceEditForm
    cancel_url = reverse_lazy("price-list")
    success_message = _("Price %(object)s saved.")

    @cached_property
    def price(self) -> Price:
        return get_object_or_404(Price.objects.select_related("item"), pk=self.kwargs["pk"])

    def get_initial(self):
        fields = ["list_price", "retailer_price", "valid_from", "valid_to", "note"]
        return {
            "item": self.price.item.sku,
            **{name: getattr(self.price, name) for name in fields},
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit price of %(sku)s") % {"sku": self.price.item.sku}
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("item")
        return services.price_update(acting_user=self.request.user, price=self.price, **data)

    def get_success_url_for(self, obj):
        return obj.item.get_absolute_url()


class FxRateListView(TempoListView):
    permission_required = "erp.view_fxrate"
    filterset_class = FxRateFilter
    template_name = "erp/fxrate_list.html"
    sortable = ("date", "currency", "rate")
    default_sort = "-date"
    queryset = selectors.fx_rate_list()


class FxRateCreateView(ServiceFormView):
    permission_required = "erp.add_fxrate"
    form_class = FxRateForm
    cancel_url = reverse_lazy("fx-rate-list")
    title = _("Record an FX rate")
    success_message = _("FX rate %(object)s saved.")

    def get_initial(self):
        return {"date": business_date()}

    def perform(self, form):
        return services.fx_rate_upsert(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url_for(self, obj):
        return reverse("fx-rate-list")


def _with_status(tokens, now=None):
    now = now or timezone.now()
    for token in tokens:
        token.current_status = token.status_at(now)
    return tokens


@method_decorator(never_cache, name="dispatch")
class AccountTokenListView(LoginRequiredMixin, ListView):
    """``/account/tokens/``: any signed-in user's own API tokens, a form to create one, and revoke buttons.

    A new token's plaintext is shown in the response to the POST that created it and nowhere else:
    knox keeps only its hash, and it is never put in the session or a message.
    """

    template_name = "erp/account_tokens.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.api_tokens_of_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _with_status(context["object_list"])
        context.setdefault("form", ApiTokenCreateForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ApiTokenCreateForm(request.POST)
        created = plaintext = None
        if form.is_valid():
            try:
                created, plaintext = services.api_token_create(
                    acting_user=request.user,
                    user=request.user,
                    label=form.cleaned_data["label"],
                    expiry_days=form.cleaned_data["expiry_days"],
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                form = ApiTokenCreateForm()
        self.object_list = self.get_queryset()
        context = self.get_context_data(form=form, created=created, plaintext=plaintext)
        return self.render_to_response(context)


class AccountTokenRevokeView(LoginRequiredMixin, View):
    """Revoke one of one's own tokens. Another user's token id is a 404, like one that does not exist."""

    http_method_names = ["post"]

    def post(self, request, pk):
        record = get_object_or_404(selectors.api_tokens_of_user(request.user), pk=pk)
        services.api_token_revoke(acting_user=request.user, api_token=record, reason="revoked by its owner")
        messages.success(request, _("Token %(token)s revoked: it no longer works.") % {"token": record.token_key})
        return redirect("account-tokens")


class ApiTokenListView(TempoListView):
    """Every user's API tokens, for administrators: filters, search, sorting and a revoke link."""

    permission_required = "erp.view_apitoken"
    filterset_class = ApiTokenFilter
    template_name = "erp/apitoken_list.html"
    sortable = ("label", "user__username", "scope", "token_key", "created_at", "expiry", "last_used_at", "revoked_at")
    default_sort = "-created_at"
    queryset = selectors.api_token_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _with_status(context["object_list"])
        context["can_revoke"] = self.request.user.has_perm("erp.change_apitoken")
        context["active"] = ApiTokenStatus.ACTIVE
        return context


class ApiTokenRevokeView(ServiceFormView):
    permission_required = ("erp.view_apitoken", "erp.change_apitoken")
    form_class = ApiTokenRevokeForm
    template_name = "erp/apitoken_revoke.html"
    cancel_url = reverse_lazy("api-token-list")
    success_message = _("Token %(object)s revoked: it no longer works.")

    @cached_property
    def api_token(self) -> ApiToken:
        # Looked up only after the access checks, so a 404 never tells outsiders what exists.
        return get_object_or_404(selectors.api_token_list(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = self.api_token
        context["title"] = _("Revoke token %(token)s") % {"token": token.token_key}
        context["api_token"] = token
        context["token_status"] = token.status
        context["submit_label"] = _("Revoke")
        return context

    def perform(self, form):
        return services.api_token_revoke(
            acting_user=self.request.user, api_token=self.api_token, reason=form.cleaned_data["reason"]
        )

    def get_success_url_for(self, obj):
        return reverse("api-token-list")


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: the database answers, and the broker does unless tasks run inline."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # a health probe reports every failure
        checks["database"] = f"error: {error.__class__.__name__}"

    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "eager"
    else:
        from erp.celery import app

        try:
            with app.connection_for_write(connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:
            checks["broker"] = f"error: {error.__class__.__name__}"

    healthy = checks["database"] == "ok" and checks["broker"] in {"ok", "eager"}
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )


def root_redirect(request):
    return redirect("dashboard")
