import pytest
from rest_framework.test import APIClient

from integrations.services.keys import integration_create


@pytest.fixture
def integration(db):
    integration, key = integration_create(name="Course platform")
    integration.key = key.key
    return integration


@pytest.fixture
def platform(integration) -> APIClient:
    """An API client speaking as the platform's servers."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {integration.key}")
    return client
