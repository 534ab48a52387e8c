"""Django REST Framework and the OpenAPI schema (drf-spectacular).

https://www.django-rest-framework.org/api-guide/settings/
"""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Hashed, expiring, scoped tokens (accounts.ApiToken); see helpdesk/api_auth.py.
        "helpdesk.api_auth.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "helpdesk.api_auth.TokenScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "helpdesk.api_errors.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "REST API of the helpdesk for integrations: chat widget, app, social channels.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs describe the API to signed-in integrators only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names other components use too.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "tickets.choices.Status",
        "ArticleLanguageEnum": "kb.models.Language",
        "PlatformLanguageEnum": "integrations.items.LANGUAGE_CODES",
        "PlatformOrderStatusEnum": "integrations.items.ORDER_STATUS_CHOICES",
    },
    # Every operation documents the errors the framework itself may answer (helpdesk/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.api_schema.document_error_responses",
    ],
}
# Swagger UI and ReDoc are served from our own static files (no CDN).
SPECTACULAR_SETTINGS.update(
    {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR"}
)
