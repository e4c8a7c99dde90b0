"""The retailer's stores: stock and recent sell-through, and Excel uploads of counts and sales.

An upload is checked first (the dry run lists every row/cell problem); a clean file is kept under
MEDIA_ROOT with a one-time token in the session, and "Apply" checks it again and writes it all or
nothing.
"""

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from erp.errors import ApplicationError
from erp.excel.responses import sheet_response
from retail.portal_uploads import UPLOAD_KINDS, upload_check, upload_template_rows
from retail.selectors.portal import portal_store, portal_store_sell_through, portal_store_stock, portal_stores
from retail.selectors.stores import retailer_scope
from retail.views.portal_base import RetailerPageMixin

SESSION_KEY = "portal_uploads"


KEEP_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "portal-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_stale_uploads() -> None:
    """Checked files nobody applied are removed after a day."""
    cutoff = time.time() - KEEP_SECONDS
    for stale in _upload_dir().glob("*.xlsx"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class PortalStoreListView(RetailerPageMixin, TemplateView):
    template_name = "portal/store_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stores"] = portal_stores(retailer=self.retailer)
        context["kinds"] = UPLOAD_KINDS.values()
        return context


class PortalStoreDetailView(RetailerPageMixin, TemplateView):
    template_name = "portal/store_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        store = portal_store(retailer=self.retailer, code=self.kwargs["code"])
        context.update(
            store=store,
            levels=portal_store_stock(store=store)[:500],
            sales=portal_store_sell_through(store=store)[:500],
        )
        return context


class UploadKindMixin(RetailerPageMixin):
    def dispatch(self, request, *args, **kwargs):
        self.upload_kind = UPLOAD_KINDS.get(kwargs.get("kind", ""))
        if self.upload_kind is None:
            raise Http404("No such upload.")
        return super().dispatch(request, *args, **kwargs)


class UploadTemplateView(UploadKindMixin, View):
    def get(self, request, kind):
        upload_kind = self.upload_kind
        return sheet_response(
            f"tempo-store-{upload_kind.name}-template",
            str(upload_kind.title)[:31],
            upload_kind.sheet_columns(),
            upload_template_rows(kind=upload_kind, retailer=self.retailer),
        )


class StoreUploadView(UploadKindMixin, TemplateView):
    template_name = "portal/store_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.upload_kind
        context.setdefault("form", UploadForm())
        return context

    def _pending(self) -> dict:
        return self.request.session.get(SESSION_KEY, {})

    def post(self, request, kind):
        if "token" in request.POST:
            return self._apply(request.POST["token"])
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        max_bytes = settings.EXCEL_MAX_UPLOAD_BYTES
        if upload.size > max_bytes:
            form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 1048576})
            return self.render_to_response(self.get_context_data(form=form))
        _forget_stale_uploads()
        token = secrets.token_urlsafe(16)
        path = _upload_dir() / f"{token}.xlsx"
        with open(path, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        check = upload_check(
            kind=self.upload_kind, scope=retailer_scope(self.retailer), path=str(path), file_name=upload.name
        )
        if check.ok:
            pending = self._pending()
            pending[token] = {"kind": self.upload_kind.name, "retailer": self.retailer.pk, "name": upload.name}
            request.session[SESSION_KEY] = pending
        else:
            path.unlink(missing_ok=True)
            token = ""
        return self.render_to_response(
            self.get_context_data(form=form, check=check, token=token, file_name=upload.name)
        )

    def _apply(self, token: str):
        pending = self._pending()
        entry = pending.pop(token, None) if isinstance(token, str) else None
        self.request.session[SESSION_KEY] = pending
        if entry is None or entry["kind"] != self.upload_kind.name or entry["retailer"] != self.retailer.pk:
            messages.error(self.request, _("That upload has expired or was already applied; upload the file again."))
            return redirect("portal:store-upload", kind=self.upload_kind.name)
        stored = _upload_dir() / f"{token}.xlsx"
        # Read from a private copy, then forget the stored file whatever happens.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "upload.xlsx")
            try:
                shutil.move(stored, path)
            except FileNotFoundError:
                messages.error(self.request, _("That upload has expired; upload the file again."))
                return redirect("portal:store-upload", kind=self.upload_kind.name)
            scope = retailer_scope(self.retailer)
            check = upload_check(kind=self.upload_kind, scope=scope, path=path, file_name=entry["name"])
            if check.ok:
                try:
                    written = self.upload_kind.apply(
                        acting_user=self.request.user,
                        scope=scope,
                        rows=check.rows,
                        note=f"counted by {self.retailer.code} (portal)",
                    )
                except ApplicationError as error:
                    check.error(error.extra.get("row"), "", error.message)
                else:
                    messages.success(
                        self.request,
                        _("%(name)s applied: %(rows)s rows for %(stores)s stores (%(written)s records).")
                        % {
                            "name": entry["name"],
                            "rows": len(check.rows),
                            "stores": len(check.stores),
                            "written": written,
                        },
                    )
                    return redirect("portal:stores")
        return self.render_to_response(
            self.get_context_data(form=UploadForm(), check=check, token="", file_name=entry["name"])
        )
