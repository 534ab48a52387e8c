"""The OpenAPI schema documents the error answers every endpoint can give, not only the
ones a view declares: Django REST Framework answers 400 for malformed parameters, 403 for
a refused caller, 404 for an unknown object or a page past the end, 406 for an Accept
header it cannot serve and 415 for a body in another media type."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "additionalProperties": True,
}
ERRORS = {
    "400": "The request has invalid values; the body names them.",
    "403": "Not signed in, or not allowed.",
    "404": "No such object, or a page past the last.",
    "406": "The Accept header asks for a media type the API does not serve.",
}
BODY_ERRORS = {"415": "The request body is not in a media type the API reads."}


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("ErrorResponse", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/ErrorResponse"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = {**ERRORS, **(BODY_ERRORS if "requestBody" in operation else {})}
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
