"""Error pages: JSON ``{"message", "extra"}`` under /api/, templates elsewhere."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        message = "Bad request."
        if isinstance(exception, RequestDataTooBig):
            message = "The request body is too large."
        return JsonResponse({"message": message, "extra": {}}, status=400)
    return defaults.bad_request(request, exception, template_name="400.html")


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            {
                "message": "You do not have permission to perform this action.",
                "extra": {},
            },
            status=403,
        )
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"message": "Not found.", "extra": {"path": request.path}}, status=404)
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"message": "Internal server error; it has been logged.", "extra": {}},
            status=500,
        )
    return defaults.server_error(request, template_name="500.html")
