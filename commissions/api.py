"""Social landlords post a saisine of the CCAPEX (loi 89-462 art. 24 II) from their own systems.

What they send is stored as sent, like a partner's saisine from its space: whether a procedure
bears the reference given is never revealed; the secretariat attaches the saisine to a case.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from directory import api
from directory.api_schema import WRITES
from directory.models import Commune, Organisation
from procedure.api import IDEMPOTENCY_KEY

from . import services

SCOPE = api.Scope("saisines", "Saisir la CCAPEX", (Organisation.Kind.SOCIAL_LANDLORD,))


# An amount is written as the schema says, a string of euros with at most two decimals ("420.00"):
# a number, a blank or spaces around it are refused, so that what the schema allows and what is
# accepted are the same.
AMOUNT_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": AMOUNT_PATTERN, "example": "420.00"})
class AmountField(serializers.DecimalField):
    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(AMOUNT_PATTERN, data):
            self.fail("invalid")
        return super().to_internal_value(data)


def _amount(label, required=True):
    return AmountField(
        max_digits=10, decimal_places=2, min_value=0, required=required, help_text=f"{label}, en euros"
    )


class DebtSerializer(serializers.Serializer):
    loyers = _amount("loyers impayés")
    charges = _amount("charges impayées")
    frais = _amount("frais de procédure", required=False)
    autres = _amount("autres sommes", required=False)


class SaisineSerializer(serializers.Serializer):
    nom_menage = serializers.CharField(max_length=200)
    adresse_logement = serializers.CharField(max_length=300)
    commune_insee = serializers.CharField(max_length=5, help_text="code INSEE de la commune du logement")
    numero_allocataire = serializers.CharField(max_length=30, required=False, allow_blank=True)
    reference_procedure = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="numéro EXPLOC ou de l'étude, s'il existe"
    )
    motif = serializers.CharField(max_length=5000, help_text="ce que la commission doit examiner, sans plus")
    loyer_mensuel = _amount("loyer mensuel hors charges")
    charges_mensuelles = _amount("charges mensuelles")
    dette = DebtSerializer()

    def validate_commune_insee(self, value):
        token = self.context.get("token")  # issue 16: its organisation's départements
        departements = token.organisation.departement_codes if token else (settings.DEPARTEMENT,)
        commune = Commune.objects.filter(insee_code=value.strip(), departement_code__in=departements).first()
        if commune is None:
            raise serializers.ValidationError(f"Commune {value} inconnue dans le département.")
        return commune

    def validate_motif(self, value):
        if not value.strip():
            raise serializers.ValidationError("Indiquez le motif de la saisine.")
        return value


Received = inline_serializer(
    "SaisineRecue", {"id": serializers.IntegerField(), "statut": serializers.CharField()}
)


def described(data, organisation) -> dict:
    debt = data["dette"]
    return {
        "household_name": data["nom_menage"],
        "household_address": data["adresse_logement"],
        "commune": data["commune_insee"],
        "claim_number": data.get("numero_allocataire", ""),
        "procedure_reference": data.get("reference_procedure", ""),
        "landlord_name": organisation.name,
        "monthly_rent": data["loyer_mensuel"],
        "monthly_charges": data["charges_mensuelles"],
        "debt_rent": debt["loyers"],
        "debt_charges": debt["charges"],
        "debt_fees": debt.get("frais"),
        "debt_other": debt.get("autres"),
    }


class SaisineView(api.PartnerApiView):
    scope = SCOPE.code

    @extend_schema(
        operation_id="saisir_ccapex",
        summary="Saisir la CCAPEX (bailleur social, art. 24 II)",
        request=SaisineSerializer,
        responses={201: OpenApiResponse(Received, description="Saisine transmise au secrétariat."), **WRITES},
        parameters=[IDEMPOTENCY_KEY],
        tags=["Saisines"],
    )
    def post(self, request):
        serializer = SaisineSerializer(data=request.data, context={"token": request.auth})
        if not serializer.is_valid():
            return api.unprocessable(api.serializer_errors(serializer.errors))
        return self.idempotent(
            request, lambda: self._submit(request.auth.organisation, serializer.validated_data)
        )

    def _submit(self, organisation, data):
        try:
            review = services.submit_landlord_saisine(
                organisation=organisation, reason=data["motif"], **described(data, organisation)
            )
        except PermissionDenied as refusal:
            return Response({"detail": str(refusal)}, status=status.HTTP_403_FORBIDDEN)
        return Response({"id": review.pk, "statut": review.partner_status()}, status=status.HTTP_201_CREATED)


urlpatterns = [path("saisines/", SaisineView.as_view(), name="saisines")]
