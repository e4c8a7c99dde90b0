"""OpenAPI post-processing: document the one error shape of ``erp.api.errors`` on every operation.

Views declare their success responses; every failure the API can give goes through
``erp.api.errors.exception_handler`` (or ``error_response``) and so has the same body. Declaring it once
here, instead of on each of the ~160 operations, keeps the schema true for clients and for the
schemathesis run in tests/erp/test_api_fuzz.py, which checks that every status answered is documented.
"""

from typing import Any

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": 'Every API error: `{"message": ..., "extra": ...}`. A 400 names the fields in `extra.fields`.',
    "properties": {
        "message": {"type": "string"},
        "extra": {"type": "object", "additionalProperties": {}, "nullable": True},
    },
    "required": ["message", "extra"],
}

# The failures any operation can answer with: throttling, authentication and permissions apply to all of
# them; 405/413/415 come from DRF and Django before a view runs; 409/422 are the refusals a few views
# answer through ``error_response`` (documenting them everywhere is simpler than keeping a list in step).
ERROR_STATUSES: dict[str, str] = {
    "400": "Invalid input or a business rule refused it; `extra.fields` names the fields.",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "The user lacks the permission, or the token's scope is not accepted here.",
    "404": "No such object.",
    "405": "Method not allowed.",
    "409": "Conflict with the current state (e.g. sold out).",
    "413": "Request body too large.",
    "415": "Unsupported media type of the request body.",
    "422": "Understood but refused (e.g. outside a sale's window, an idempotency key reused).",
    "429": "Throttled: `Retry-After` and `extra.retry_after_seconds` say when to retry.",
}

_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def _error_content() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}


def postprocess_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the ``Error`` component and its responses."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                response = responses.setdefault(status, {"description": description})
                # A view may have documented the status with its own words but no body (or a loose one):
                # keep the words, give it the real body.
                response["content"] = _error_content()
                if not response.get("description"):
                    response["description"] = description
    return result
