"""Excel over the API: templates, exports, imports and the status of import runs."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.api.serializers import StrictInputSerializer
from erp.errors import ApplicationError
from erp.excel.datasets import dataset_get, dataset_list
from erp.excel.responses import XLSX, export_response, template_response
from erp.excel.selectors import import_run_list_for
from erp.excel.services import import_run_create, import_run_progress
from erp.models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True, allow_null=True)
    progress_rows = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "dataset",
            "file_name",
            "dry_run",
            "status",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "total_rows",
            "progress_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "errors",
            "warnings",
            "message",
            "status_url",
        ]
        read_only_fields = fields

    def get_progress_rows(self, run: ImportRun) -> int:
        return import_run_progress(run)

    def get_status_url(self, run: ImportRun) -> str:
        return reverse("api-excel-run-detail", args=[run.pk])


class ImportInputSerializer(StrictInputSerializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


class FileNegotiation(BaseContentNegotiation):
    """These views answer with files; ``?format=`` picks xlsx or csv, not one of DRF's renderers."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _dataset_for(request, name: str, *, write: bool):
    try:
        dataset = dataset_get(name)
    except ApplicationError as error:
        raise NotFound(error.message) from error
    allowed = dataset.can_import(request.user) if write else dataset.can_view(request.user)
    if not allowed:
        raise PermissionDenied(f"You may not {'import' if write else 'read'} {dataset.name}.")
    return dataset


class DatasetColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    required = serializers.BooleanField()
    format = serializers.CharField()


class DatasetSerializer(serializers.Serializer):
    """Documents DatasetListView's rows (an array, not a page: there are a dozen datasets)."""

    name = serializers.CharField()
    title = serializers.CharField()
    key = serializers.ListField(child=serializers.CharField())
    columns = DatasetColumnSerializer(many=True)
    can_import = serializers.BooleanField()


class DatasetListView(APIView):
    """The datasets you can export or import, with their columns."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DatasetSerializer(many=True)}, tags=["excel"])
    def get(self, request):
        rows = [
            {
                "name": dataset.name,
                "title": str(dataset.title),
                "key": list(dataset.key),
                "columns": [{"name": c.name, "required": c.required, "format": c.describe()} for c in dataset.columns],
                "can_import": dataset.can_import(request.user),
            }
            for dataset in dataset_list()
            if dataset.can_view(request.user)
        ]
        return Response(rows)


class TemplateView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileNegotiation

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, tags=["excel"])
    def get(self, request, dataset: str):
        """An empty workbook to fill in: header notes, dropdowns and an example sheet."""
        return template_response(_dataset_for(request, dataset, write=False))


class ExportView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"], description="Default xlsx.")],
        responses={(200, XLSX): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.STR},
        tags=["excel"],
    )
    def get(self, request, dataset: str):
        """Every record of the dataset, filtered like its list (the same query parameters)."""
        return export_response(_dataset_for(request, dataset, write=False), request.query_params)


_outcome = inline_serializer(
    "ImportOutcome",
    {
        "run": ImportRunSerializer(),
        "dry_run": serializers.BooleanField(),
        "counts": serializers.DictField(),
        "errors": serializers.ListField(child=serializers.DictField()),
    },
)


class ImportView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: _outcome, 202: ImportRunSerializer, 400: OpenApiTypes.OBJECT},
        tags=["excel"],
    )
    def post(self, request, dataset: str):
        """Upload a workbook. ``dry_run=true`` (the default) checks it and writes nothing.

        Small files answer at once: 200 with the counts, or 400 with every error as
        ``{row, column, message}`` in ``extra.errors``. Large files answer 202 with the run to poll.
        """
        target = _dataset_for(request, dataset, write=True)
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = import_run_create(
            acting_user=request.user,
            dataset_name=target.name,
            upload=data.validated_data["file"],
            dry_run=data.validated_data["dry_run"],
        )
        body = ImportRunSerializer(run).data
        if not run.finished:
            return Response(body, status=status.HTTP_202_ACCEPTED)
        counts = {
            "rows": run.total_rows,
            "create": run.created_count,
            "update": run.updated_count,
            "unchanged": run.unchanged_count,
            "errors": run.error_count,
        }
        if run.error_count:
            return Response(
                {"message": run.message, "extra": {"run": run.pk, "counts": counts, "errors": run.errors}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"run": body, "dry_run": run.dry_run, "counts": counts, "errors": []})


class ImportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import runs: yours, or everybody's with the permission to view import runs."""

    serializer_class = ImportRunSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["dataset", "status", "dry_run"]
    ordering = ["-created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ImportRun.objects.none()
        return import_run_list_for(self.request.user)
