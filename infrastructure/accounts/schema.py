"""The token scheme in the OpenAPI schema (``Authorization: Token …``), as it was with DRF's
tokens, so that Swagger UI's 「Authorize」 keeps working."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "infrastructure.accounts.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            **build_bearer_security_scheme_object(
                header_name="Authorization", token_prefix="Token"
            ),
            "description": "A token from POST /api/v1/auth/token/; it expires "
            "(`expiry` in the answer) and answers 401 after that.",
        }
