"""The partner API against its own OpenAPI schema, on the running application (schemathesis):
no 5xx, and every answer (status, content type, headers, body) as the schema says.

Each operation is fuzzed with schemathesis' Hypothesis strategies, valid data then invalid data,
and called over HTTP on pytest-django's live server with the token of the partner it serves.
(schemathesis' own pytest loader does not run under pytest 9, hence the explicit loop.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from directory.models import Organisation
from tests.factories import CommuneFactory
from tests.partner_api import partner, token_for

# Which partner's token each endpoint is called with.
SCOPE_OF_PATH = {
    "/api/v1/actes/": "actes",
    "/api/v1/actes/lot/": "actes",
    "/api/v1/saisines/": "saisines",
    "/api/v1/listes/siao/{semaine}/": "liste_siao",
    "/api/v1/listes/caf/{semaine}/": "liste_caf",
}
KIND_OF_SCOPE = {
    "actes": Organisation.Kind.BAILIFFS,
    "saisines": Organisation.Kind.SOCIAL_LANDLORD,
    "liste_siao": Organisation.Kind.SIAO,
    "liste_caf": Organisation.Kind.CAF,
}
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.fixture
def api_schema(live_server, settings):
    settings.API_RATE_LIMIT = 100_000
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")


@pytest.fixture
def secrets(transactional_db):
    CommuneFactory()
    return {scope: token_for(partner(kind))[1] for scope, kind in KIND_OF_SCOPE.items()}


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_covers_every_endpoint(api_schema):
    assert {operation.path for operation in operations(api_schema)} == set(SCOPE_OF_PATH)


@pytest.mark.parametrize("mode", MODES, ids=["valid", "invalid"])
@pytest.mark.parametrize("path", list(SCOPE_OF_PATH))
def test_the_api_answers_as_its_schema_says(api_schema, secrets, live_server, path, mode):
    [operation] = [operation for operation in operations(api_schema) if operation.path == path]
    headers = {"Authorization": f"Bearer {secrets[SCOPE_OF_PATH[path]]}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # Every other check runs. Data valid by the schema may still break a rule of the import (an
        # unknown commune, an act before the last stage): a 422 there is the contract, not a failure.
        case.call_and_validate(
            base_url=live_server.url, headers=headers, excluded_checks=[positive_data_acceptance]
        )

    check()
