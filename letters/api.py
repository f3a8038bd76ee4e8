"""The SIAO and the CAF fetch their weekly list of a week (formats.md, "Weekly lists"), JSON or CSV.

A token of the SIAO reaches the SIAO list only, one of the CAF the CAF list only: the same rows
and CSV file as the list sent on Mondays (`services.weekly_lists`).
"""

import datetime
import re

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from directory import api
from directory.api_schema import COMMON, DetailSerializer
from directory.models import Organisation
from procedure import services as procedure_services

from .models import ListKind
from .services import weekly_lists

SCOPES = {
    ListKind.SIAO: api.Scope("liste_siao", "Lire la liste hebdomadaire SIAO", (Organisation.Kind.SIAO,)),
    ListKind.CAF: api.Scope("liste_caf", "Lire la liste hebdomadaire CAF", (Organisation.Kind.CAF,)),
}


class _Identity(serializers.Serializer):
    reference = serializers.CharField()
    nom = serializers.CharField()
    prenom = serializers.CharField(allow_blank=True)
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    commune = serializers.CharField()


class SiaoRowSerializer(_Identity):
    date_octroi = serializers.DateField()
    adultes = serializers.IntegerField(allow_null=True)
    enfants = serializers.IntegerField(allow_null=True)
    veille_sociale = serializers.ChoiceField(
        choices=[weekly_lists.REQUIRED, weekly_lists.ON_REQUEST, weekly_lists.IF_PLACES]
    )
    referent_social = serializers.CharField(allow_blank=True)


class CafRowSerializer(_Identity):
    date_commandement = serializers.DateField()
    bailleur = serializers.CharField()
    parc = serializers.CharField()
    dette = serializers.CharField(allow_blank=True, help_text="euros, 1234.56 ; vide si inconnue")
    numero_allocataire = serializers.CharField(allow_blank=True)


def _list_serializer(name, row_serializer):
    return type(
        name,
        (serializers.Serializer,),
        {
            "liste": serializers.CharField(),
            "semaine": serializers.CharField(help_text="semaine ISO, AAAA-Wnn"),
            "du": serializers.DateField(help_text="lundi"),
            "au": serializers.DateField(help_text="dimanche"),
            "lignes": row_serializer(many=True),
        },
    )


ROW_SERIALIZERS = {
    ListKind.SIAO: _list_serializer("ListeSiao", SiaoRowSerializer),
    ListKind.CAF: _list_serializer("ListeCaf", CafRowSerializer),
}
# How a week is written (ISO 8601, « 2026-W48 »); a week so written that does not exist (week 53 of a
# year of 52 weeks, week 00, year 0000) is not found.
WEEK_PATTERN = r"^[0-9]{4}-W[0-9]{2}$"
FORMAT = OpenApiParameter("format", str, enum=["json", "csv"], description="json (par défaut) ou csv")


def _schema(kind):
    return extend_schema(
        operation_id=f"liste_{kind}",
        summary=f"{ListKind(kind).label}, pour une semaine",
        parameters=[
            FORMAT,
            OpenApiParameter(
                "semaine",
                {"type": "string", "pattern": WEEK_PATTERN},
                OpenApiParameter.PATH,
                description="semaine ISO, ex. 2026-W48",
            ),
        ],
        responses={
            (200, "application/json"): ROW_SERIALIZERS[kind],
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV UTF-8, séparateur « ; »"),
            **COMMON,
            400: OpenApiResponse(
                DetailSerializer, description="Semaine mal écrite, format ou paramètre inconnu."
            ),
            404: OpenApiResponse(DetailSerializer, description="Cette semaine n'existe pas (ex. 2026-W54)."),
        },
        tags=["Listes hebdomadaires"],
    )


class WeeklyListView(api.PartnerApiView):
    kind: str = ""

    def week(self, request, semaine):
        unknown = sorted(set(request.query_params) - {"format"})
        if unknown:  # a misspelt ?fromat=csv would silently answer JSON
            return Response(
                {"detail": f"Paramètre inconnu : {', '.join(unknown)} (seul format est lu)."}, status=400
            )
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "csv"):
            return Response({"detail": "Format inconnu : json (par défaut) ou csv."}, status=400)
        try:
            week_start = weekly_lists.parse_iso_week(semaine)
        except ValueError as refusal:
            # Well written but not in the calendar: no such list. Badly written: a bad request.
            return Response({"detail": str(refusal)}, status=404 if re.match(WEEK_PATTERN, semaine) else 400)
        # The cases of the départements the token's organisation works in (issue 16).
        rows = weekly_lists.rows(self.kind, week_start, request.auth.organisation.departement_codes)
        filename = f"liste-{self.kind}-{weekly_lists.iso_week_label(week_start)}.{fmt}"
        procedure_services.log_api_access(
            token=request.auth, context="liste hebdomadaire (API)", file=filename, rows=len(rows)
        )
        if fmt == "csv":
            response = HttpResponse(
                weekly_lists.to_csv(self.kind, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return Response(_as_json(self.kind, week_start, rows))


def _as_json(kind, week_start, rows):
    counts = ("adultes", "enfants")
    return {
        "liste": kind,
        "semaine": weekly_lists.iso_week_label(week_start),
        "du": week_start,
        "au": week_start + datetime.timedelta(days=6),
        "lignes": [{k: (None if k in counts and v == "" else v) for k, v in row.items()} for row in rows],
    }


class SiaoListView(WeeklyListView):
    kind, scope = ListKind.SIAO, SCOPES[ListKind.SIAO].code

    @_schema(ListKind.SIAO)
    def get(self, request, semaine):
        return self.week(request, semaine)


class CafListView(WeeklyListView):
    kind, scope = ListKind.CAF, SCOPES[ListKind.CAF].code

    @_schema(ListKind.CAF)
    def get(self, request, semaine):
        return self.week(request, semaine)


urlpatterns = [
    path("listes/siao/<str:semaine>/", SiaoListView.as_view(), name="weekly_list_siao"),
    path("listes/caf/<str:semaine>/", CafListView.as_view(), name="weekly_list_caf"),
]
