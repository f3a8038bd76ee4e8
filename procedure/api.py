"""The commissaires de justice post their acts (formats.md, "Import of procedural acts").

An act posted here goes through the very import of the upload page (`services.import_acts`): the
batch becomes the import's CSV, in its columns, so that the same rules check it, a refused batch
writes nothing, an act already recorded (same reference, act and date) is skipped and an accepted
act creates its tasks exactly as an imported one.
"""

import csv
import io

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from directory import api
from directory.api_schema import WRITES
from directory.models import Organisation
from households.models import HousingSector

from . import services
from .importing import COLUMNS
from .models import JudgmentOutcome, PoliceDecision, Stage

SCOPE = api.Scope("actes", "Déposer des actes de procédure", (Organisation.Kind.BAILIFFS,))
MAX_BATCH = 5000
DATE_HELP = "AAAA-MM-JJ ou JJ/MM/AAAA"
AMOUNT_HELP = "euros, 1234.56 ou 1 234,56"


def _text(max_length=None, help_text="", **kwargs):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, help_text=help_text, **kwargs
    )


class ActSerializer(serializers.Serializer):
    """One act, in the columns of the import contract (formats.md)."""

    reference = serializers.CharField(max_length=60, help_text="numéro de la procédure (EXPLOC ou étude)")
    acte = serializers.ChoiceField(choices=Stage.values)
    date_acte = serializers.CharField(max_length=10, help_text=DATE_HELP)
    nom = _text(150, "titulaire du bail (nouvelle procédure)")
    prenom = _text(150)
    adresse = _text(250, "logement (nouvelle procédure)")
    code_postal = _text(5)
    commune_insee = _text(5, "code INSEE à 5 caractères")
    bailleur = _text(200, "nom du bailleur (nouvelle procédure)")
    bailleur_siren = _text(9, "9 chiffres")
    parc = serializers.ChoiceField(choices=HousingSector.values, required=False, allow_blank=True)
    date_bail = _text(10, DATE_HELP)
    loyer = _text(20, AMOUNT_HELP)
    charges = _text(20, AMOUNT_HELP)
    dette = _text(20, AMOUNT_HELP)
    date_audience = _text(10, f"avec une assignation ; {DATE_HELP}")
    issue = serializers.ChoiceField(
        choices=sorted(set(JudgmentOutcome.values) | set(PoliceDecision.values)),
        required=False,
        allow_blank=True,
        help_text="avec un jugement ou une décision sur le concours de la force publique",
    )
    adultes = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)
    enfants = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)
    numero_allocataire = _text(20, "CAF ou MSA")


class BatchSerializer(serializers.Serializer):
    actes = ActSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)  # schema: batch_limits


Summary = inline_serializer(
    "BilanImport",
    {
        "procedures_creees": serializers.IntegerField(),
        "actes_enregistres": serializers.IntegerField(),
        "actes_deja_connus": serializers.IntegerField(),
        "bilan": serializers.CharField(),
    },
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 100},
    OpenApiParameter.HEADER,
    description="Choisie par l'appelant : une requête renvoyée avec la même clé n'est traitée qu'une fois.",
)
ANSWERS = {
    201: OpenApiResponse(Summary, description="Actes enregistrés."),
    200: OpenApiResponse(Summary, description="Rien de nouveau : tous les actes étaient déjà connus."),
    **WRITES,
}


def as_csv(acts: list[dict]) -> bytes:
    """The acts as the import's CSV: its columns, one row per act, in the order received."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for act in acts:
        writer.writerow(["" if act.get(name) is None else str(act[name]) for name in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def sender_departements(token):
    """Where a token writes (issue 16): a national sender (a platform of the commissaires de
    justice) in every département, each act going to its commune's; any other in its
    organisation's départements only."""
    return None if token.is_national else token.organisation.departement_codes


def post_acts(acts: list[dict], *, single: bool, token) -> Response:
    report = services.import_acts(
        io.BytesIO(as_csv(acts)), file_format="csv", departements=sender_departements(token)
    )
    if not report.ok:
        # The CSV's line L is the act of index L - 2 (line 1 is the header).
        errors = [
            api.error(e.column, e.message, None if single or e.line < 2 else e.line - 2)
            for e in report.errors
        ]
        return api.unprocessable(errors)
    answer = {
        "procedures_creees": report.created_procedures,
        "actes_enregistres": report.recorded_acts,
        "actes_deja_connus": report.known_acts,
        "bilan": report.summary,
    }
    return Response(answer, status=status.HTTP_201_CREATED if report.recorded_acts else status.HTTP_200_OK)


class ActView(api.PartnerApiView):
    scope = SCOPE.code

    @extend_schema(
        operation_id="deposer_acte",
        summary="Déposer un acte",
        request=ActSerializer,
        responses=ANSWERS,
        parameters=[IDEMPOTENCY_KEY],
        tags=["Actes"],
    )
    def post(self, request):
        serializer = ActSerializer(data=request.data)
        if not serializer.is_valid():
            return api.unprocessable(api.serializer_errors(serializer.errors))
        return self.idempotent(
            request, lambda: post_acts([serializer.validated_data], single=True, token=request.auth)
        )


class ActBatchView(api.PartnerApiView):
    scope = SCOPE.code

    @extend_schema(
        operation_id="deposer_lot_actes",
        summary="Déposer un lot d'actes (entier ou rien)",
        request=BatchSerializer,
        responses=ANSWERS,
        parameters=[IDEMPOTENCY_KEY],
        tags=["Actes"],
    )
    def post(self, request):
        serializer = BatchSerializer(data=request.data)
        if not serializer.is_valid():
            return api.unprocessable(_batch_errors(serializer.errors))
        return self.idempotent(
            request, lambda: post_acts(serializer.validated_data["actes"], single=False, token=request.auth)
        )


def batch_limits(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS): the batch's bounds, which it does
    not read from a nested serializer's allow_empty and max_length, written into the schema."""
    batch = result.get("components", {}).get("schemas", {}).get("BatchRequest")
    if batch:
        batch["properties"]["actes"].update(minItems=1, maxItems=MAX_BATCH)
    return result


def _batch_errors(errors) -> list[dict]:
    """The errors of the acts of a batch, each with its act's index; DRF gives them as a list (one
    entry per act) or as a dict keyed by the index of each faulty act."""
    acts = errors.get("actes")
    if isinstance(acts, list) and acts and isinstance(acts[0], dict):
        acts = dict(enumerate(acts))
    if isinstance(acts, dict) and acts and all(isinstance(index, int) for index in acts):
        return [
            found
            for index, act_errors in sorted(acts.items())
            for found in api.serializer_errors(act_errors, index)
        ]
    return api.serializer_errors(errors)


urlpatterns = [
    path("actes/", ActView.as_view(), name="acts"),
    path("actes/lot/", ActBatchView.as_view(), name="act_batch"),
]
