"""The commissaires de justice's systems post their acts as PDFs (issue 17: "an upload page and the
API"): the same path as the upload page (`services.read_pdfs`), each PDF read in the background and
confirmed by the secretariat, field by field, before anything is recorded. The partner then follows
its batch: each document's status, and the case's reference once confirmed.

Idempotent by content: a PDF the organisation already posted (same SHA-256) is not kept twice; the
answer names the earlier batch.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from directory import api
from directory.api_schema import COMMON, WRITES

from .. import services as procedure_services
from ..api import SCOPE
from . import services
from .models import ActDocument, ReadingBatch

MAX_FILES = 50


class PdfBatchSerializer(serializers.Serializer):
    fichiers = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        max_length=MAX_FILES,
        help_text=f"les actes en PDF (20 Mo au plus chacun, {MAX_FILES} au plus par envoi)",
    )


DOCUMENTS = inline_serializer(
    "DocumentPdf",
    many=True,
    fields={
        "nom": serializers.CharField(),
        "empreinte": serializers.CharField(help_text="SHA-256 du fichier"),
        "lot": serializers.IntegerField(),
        "statut": serializers.ChoiceField(choices=ActDocument.Status.values),
        "libelle": serializers.CharField(),
        "reference": serializers.CharField(
            allow_null=True, help_text="la procédure, une fois l'acte confirmé"
        ),
        "deja_recu": serializers.BooleanField(),
    },
)
BATCH = inline_serializer(
    "LotPdf",
    {
        "lot": serializers.IntegerField(allow_null=True),
        "suivi": serializers.CharField(allow_null=True),
        "documents": DOCUMENTS,
    },
)


def _document(document, *, known=False) -> dict:
    return {
        "nom": document.name,
        "empreinte": document.sha256,
        "lot": document.batch_id,
        "statut": document.status,
        "libelle": document.get_status_display(),
        "reference": document.procedure.reference if document.procedure_id else None,
        "deja_recu": known,
    }


def _file_errors(errors) -> list[dict]:
    """DRF names a faulty file of the list by its rank ({"fichiers": {4: [...]}}): each error here
    names the field `fichiers` and the file's rank, as a batch of acts names its act's."""
    files = errors.get("fichiers")
    if isinstance(files, dict):
        return [
            api.error("fichiers", str(message), index)
            for index, messages in sorted(files.items())
            for message in messages
        ]
    return api.serializer_errors(errors)


def _posted_by(organisation):
    return ActDocument.objects.filter(batch__api_token__organisation=organisation).select_related("procedure")


class PdfBatchView(api.PartnerApiView):
    scope = SCOPE.code
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="deposer_actes_pdf",
        summary="Déposer des actes en PDF (lus par Prévex, confirmés par le secrétariat)",
        request={"multipart/form-data": PdfBatchSerializer},
        responses={
            202: OpenApiResponse(BATCH, description="Reçus : chaque PDF sera lu puis vérifié."),
            200: OpenApiResponse(BATCH, description="Rien de nouveau : chaque PDF avait déjà été reçu."),
            **WRITES,
        },
        tags=["Actes"],
    )
    def post(self, request):
        serializer = PdfBatchSerializer(data=request.data)
        if not serializer.is_valid():
            return api.unprocessable(_file_errors(serializer.errors))
        files = [(upload.name, upload.read()) for upload in serializer.validated_data["fichiers"]]
        errors = []
        for index, (name, content) in enumerate(files):
            try:
                services.check_pdf(name, content)
            except ValidationError as error:
                errors += [api.error("fichiers", message, index) for message in error.messages]
        if errors:
            return api.unprocessable(errors)
        organisation = request.auth.organisation
        digests = [hashlib.sha256(content).hexdigest() for _, content in files]
        known = {
            document.sha256: document for document in _posted_by(organisation).filter(sha256__in=digests)
        }
        new = [(file, digest) for file, digest in zip(files, digests, strict=True) if digest not in known]
        unique = list({digest: file for file, digest in new}.values())
        batch = services.read_pdfs(files=unique, token=request.auth) if unique else None
        fresh = {document.sha256: document for document in batch.documents.all()} if batch else {}
        answer = {
            "lot": batch.pk if batch else None,
            "suivi": reverse("api:act_pdf_batch", args=[batch.pk]) if batch else None,
            "documents": [
                _document(known[digest], known=True) if digest in known else _document(fresh[digest])
                for digest in digests
            ],
        }
        return Response(answer, status=status.HTTP_202_ACCEPTED if batch else status.HTTP_200_OK)


class PdfBatchStatusView(api.PartnerApiView):
    scope = SCOPE.code

    @extend_schema(
        operation_id="suivre_lot_actes_pdf",
        summary="Suivre un lot d'actes PDF : lecture, vérification, procédure",
        responses={
            200: OpenApiResponse(BATCH, description="Le lot et chacun de ses PDF."),
            404: OpenApiResponse(description="Lot inconnu ou déposé par un autre organisme."),
            **COMMON,
        },
        tags=["Actes"],
    )
    def get(self, request, pk):
        batch = get_object_or_404(ReadingBatch, pk=pk, api_token__organisation=request.auth.organisation)
        documents = list(batch.documents.select_related("procedure").order_by("pk"))
        procedure_services.log_api_access(
            token=request.auth, context="suivi d'un lot d'actes PDF", lot=batch.pk
        )
        return Response(
            {
                "lot": batch.pk,
                "suivi": reverse("api:act_pdf_batch", args=[batch.pk]),
                "documents": [_document(document) for document in documents],
            }
        )


urlpatterns = [
    path("actes/pdf/", PdfBatchView.as_view(), name="act_pdfs"),
    path("actes/pdf/<int:pk>/", PdfBatchStatusView.as_view(), name="act_pdf_batch"),
]
