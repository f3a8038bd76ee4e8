"""The partner API against its own OpenAPI schema, on the running application (schemathesis):
no 5xx, and every answer (status, content type, headers, body) as the schema says.

Every built-in check runs, "positive data acceptance" (data valid by the schema is accepted) too,
except on the writes whose rules go beyond what a schema can say (RULES_BEYOND_THE_SCHEMA,
docs/decisions/005): there a 422 to data valid by the schema is the contract (the import's rules
of formats.md, the département's communes), and `refusal_names_the_request_fields` checks that such a
422 is a rule's refusal (each error naming a field of the request, in French) and not something else.

Each operation is fuzzed with schemathesis' Hypothesis strategies, valid data then invalid data,
and called over HTTP on pytest-django's live server with the token of the partner it serves.
(schemathesis' own pytest loader does not run under pytest 9, hence the explicit loop.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

from directory.models import Organisation
from tests.factories import CommuneFactory
from tests.partner_api import partner, token_for

# Which partner's token each endpoint is called with.
SCOPE_OF_PATH = {
    "/api/v1/actes/": "actes",
    "/api/v1/actes/lot/": "actes",
    "/api/v1/actes/pdf/": "actes",
    "/api/v1/actes/pdf/{id}/": "actes",
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

# Writes whose data may be valid by the schema and still refused by a rule no schema can state: the
# act posted is checked against the case's other acts and the calendar (the order of the acts, a date
# in the future, the fields a new procedure needs, formats.md), the commune against the département's
# table; the saisine's commune too. A 422 listing the errors by field is their answer.
RULES_BEYOND_THE_SCHEMA = {
    "/api/v1/actes/": "ordre des actes, date dans le futur, champs d'une nouvelle procédure, commune",
    "/api/v1/actes/lot/": "les mêmes règles, pour chaque acte du lot",
    "/api/v1/saisines/": "commune du département",
    "/api/v1/actes/pdf/": "un fichier PDF (sa signature %PDF-), ce qu'un schéma ne dit pas d'un binaire",
}


def _resolved(raw_schema: dict, node: dict) -> dict:
    """A schema object, its local $ref (#/components/schemas/…) followed."""
    if "$ref" not in node:
        return node
    return raw_schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]


@schemathesis.check
def refusal_names_the_request_fields(ctx, response, case):
    """A 422 to data valid by the schema is the refusal of a rule: errors, each naming a field that
    the request has (for a batch, a field of an act and the index of an act sent; a header), with a
    message."""
    if response.status_code != 422 or not case.meta or not case.meta.generation.mode.is_positive:
        return None
    raw = case.operation.schema.raw_schema
    # JSON, or multipart for the PDFs: the one content type each write accepts.
    (request_body,) = case.operation.definition.raw["requestBody"]["content"].values()
    body = _resolved(raw, request_body["schema"])
    # The request's fields: its body's, and its headers' (an Idempotency-Key reused for another body
    # is a 422 too, as draft-ietf-httpapi-idempotency-key-header says).
    parameters = {parameter["name"] for parameter in case.operation.definition.raw.get("parameters", [])}
    fields, acts = set(body["properties"]) | parameters, None
    if "actes" in fields:  # the batch: the fields of one act
        fields |= set(_resolved(raw, body["properties"]["actes"]["items"])["properties"])
        acts = len(case.body["actes"])
    elif "fichiers" in fields:  # the PDFs: an error names its file's rank
        files = case.body.get("fichiers") if isinstance(case.body, dict) else None
        acts = len(files) if isinstance(files, list) else 1
    errors = response.json()["erreurs"]
    if not errors:
        raise Failure(operation=case.operation.label, title="Refus sans erreur", message="422 sans erreurs")
    for error in errors:
        if error["champ"] not in fields or not error["message"].strip():
            raise Failure(
                operation=case.operation.label,
                title="Refus hors des champs",
                message=f"422 dont l'erreur ne nomme pas un champ de la requête : {error}",
            )
        if acts is not None and error["champ"] not in parameters and not 0 <= error.get("index", -1) < acts:
            raise Failure(operation=case.operation.label, title="Rang hors du lot", message=str(error))
    return None


@pytest.fixture
def secrets(transactional_db):
    CommuneFactory()
    return {scope: token_for(partner(kind))[1] for scope, kind in KIND_OF_SCOPE.items()}


@pytest.fixture
def api_schema(live_server, settings, secrets):
    settings.API_RATE_LIMIT = 100_000
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")

    @schema.auth()
    class PartnerToken:
        """The token of the partner each endpoint serves, given to schemathesis as the API's own
        authentication: it knows the credentials are real (its ignored-auth check then removes or
        spoils them itself), and a negative case that removes them keeps them removed."""

        def get(self, case, context):
            return secrets[SCOPE_OF_PATH[case.operation.path]]

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_covers_every_endpoint(api_schema):
    assert {operation.path for operation in operations(api_schema)} == set(SCOPE_OF_PATH)


@pytest.mark.parametrize("mode", MODES, ids=["valid", "invalid"])
@pytest.mark.parametrize("path", list(SCOPE_OF_PATH))
def test_the_api_answers_as_its_schema_says(api_schema, live_server, path, mode):
    [operation] = [operation for operation in operations(api_schema) if operation.path == path]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        if path in RULES_BEYOND_THE_SCHEMA:
            case.call_and_validate(
                base_url=live_server.url,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[refusal_names_the_request_fields],
            )
        else:
            case.call_and_validate(base_url=live_server.url)

    check()


def test_the_schema_is_served_as_yaml_and_as_json_on_request(client):
    # As the README says.
    assert client.get("/api/schema/").content.startswith(b"openapi: 3.0.3")
    assert client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["openapi"] == "3.0.3"
    assert client.get("/api/documentation/").status_code == 200
