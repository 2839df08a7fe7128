"""Schema post-processing: every operation documents the errors it can answer, with the one
error body (``Error``) and an example, so clients and schemathesis know them."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "割合は0〜100の範囲で入力してください。"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"value": ["割合は0〜100の範囲で入力してください。"]},
                },
                "current_version": {"type": "integer"},
                "changes": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

DESCRIPTIONS = {
    "400": (
        "The request is invalid; `fields` names each field and why. Also for a NUL, a lone "
        "surrogate or invalid UTF-8 anywhere in the path or query, on every operation."
    ),
    "401": "Authentication failed (a wrong token).",
    "403": "The user may not do this (the message says why).",
    "404": "No such record, or not one the user may see (also for an unknown `format`).",
    "405": "Method not allowed.",
    "406": "The requested format is not available.",
    "412": "The record changed since the ETag in If-Match; `changes` shows what changed.",
    "415": "Unsupported media type.",
    "428": "If-Match is required for this write.",
    "429": "Too many requests; retry later.",
}

WRITE_ERRORS = ["400", "401", "403", "404", "412", "415", "428"]
READ_ERRORS = ["400", "401", "404", "406", "429"]


def _media_types(operations) -> list[str]:
    """The formats the path's views answer in (JSON, and CSV and xlsx where ``?format=``
    offers them): an error comes in the format asked for, like the data."""
    types = ["application/json"]
    for operation in operations.values():
        for response in operation.get("responses", {}).values():
            types += [t for t in response.get("content", {}) if t not in types]
    return types


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        content = {media_type: {"schema": ref} for media_type in _media_types(operations)}
        for method, operation in operations.items():
            codes = READ_ERRORS if method == "get" else [*WRITE_ERRORS, "429"]
            if method == "post" and path.rstrip("/").endswith(
                (
                    "indicator-values",
                    "initiative-progress",
                    "token",
                    "community-resources",
                    "health-town-planning",
                    "volunteer-headcounts",
                )
            ):
                # 404: DRF answers an unknown ?format= with Not Found.
                codes = ["400", "401", "403", "404", "415", "429"]
            if method == "delete" and path.rstrip("/").endswith("auth/token"):
                # Revoking the token sent: no record, no If-Match; 400 only for a NUL or a
                # surrogate in the URL (infrastructure/url_guard.py), as on every operation.
                codes = ["400", "401", "404", "429"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": dict(content)}
                )
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match)."})
    return result
