"""Acts read from their PDF: drop them, read them in the background, confirm each one.

A confirmed act goes through the import of acts (procedure.services.import_acts, formats.md)
as a one-row file: the same checks, the same errors, the same tasks as the import and the form.
No field is ever recorded without a person confirming it.
"""

import csv
import hashlib
import io
import logging
import operator
import re
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from config.celery import enqueue
from directory.acting import (
    acting_departements,
    acting_organisation,
    acting_role,
    is_secretariat,
    require_secretariat,
)
from directory.models import Commune, Organisation, Role, default_departement

from .. import services
from ..models import Procedure, ProcedureEvent
from . import reader
from . import text as t
from .models import ActDocument, ActDocumentAccess, ReadingBatch

logger = logging.getLogger(__name__)

MAX_SIZE = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# The fields a person checks, in the import contract's names (formats.md).
CONTRACT_FIELDS = (
    "reference", "acte", "date_acte", "nom", "prenom", "adresse", "code_postal", "commune_insee",
    "bailleur", "parc", "loyer", "dette", "date_audience", "issue",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Dropping and reading
# ---------------------------------------------------------------------------------------------


def check_pdf(name, content) -> None:
    """Refuse what is not a PDF, or too large, with a French message naming the file."""
    if len(content) > MAX_SIZE:
        raise ValidationError(f"« {name} » dépasse 20 Mo.")
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(f"« {name} » n'est pas un PDF.")


def read_pdfs(*, files, user=None, token=None) -> ReadingBatch:
    """Keep the PDFs (name, bytes) as one batch and queue each for reading, after commit.

    The entry point of the upload page (`user`) and of the API (`token`: a partner's system)."""
    for name, content in files:
        check_pdf(name, content)
    from ..tasks import read_act

    with transaction.atomic():
        # The user's département; a partner's system posts for its organisation's (issue 16).
        departement = (
            token.organisation.departement_code
            if token is not None
            else next(iter(acting_departements(user)), default_departement())
        )
        batch = ReadingBatch.objects.create(created_by=user, api_token=token, departement_code=departement)
        for name, content in files:
            document = ActDocument(batch=batch, name=name[:255], sha256=hashlib.sha256(content).hexdigest())
            document.file.save(f"acte-{document.sha256[:16]}.pdf", ContentFile(content), save=False)
            document.save()
            transaction.on_commit(lambda pk=document.pk: enqueue(read_act, pk))
    logger.info("reading_batch=%s documents=%s", batch.pk, len(files))
    return batch


TO_CHECK = (ActDocument.Status.QUEUED, ActDocument.Status.READ, ActDocument.Status.SCAN)


def batches_to_check(user):
    """The batches of the user's départements with a PDF still to read or to confirm, newest first,
    with how many: those a person dropped and those a partner's system posted (the API), which
    nobody else will open."""
    pending = Count("documents", filter=Q(documents__status__in=TO_CHECK))
    return (
        ReadingBatch.objects.filter(departement_code__in=acting_departements(user))
        .annotate(pending=pending, total=Count("documents"))
        .filter(pending__gt=0)
        .select_related("created_by", "api_token__organisation")
        .order_by("-created_at", "-pk")
    )


def lookups(text=None) -> reader.Lookups:
    """The communes by postal code and the known social landlords, as the reader matches them;
    given the act's text, only the communes of the postal codes it contains (one small query)."""
    rows = Commune.objects.all()
    if text is not None:
        codes = set(re.findall(r"\b\d{5}\b", text))
        rows = rows.filter(
            reduce(operator.or_, (Q(postal_codes__contains=code) for code in codes), Q(pk__in=[]))
        )
    communes = {}
    for insee, name, postal_codes in rows.values_list("insee_code", "name", "postal_codes"):
        for code in postal_codes.split():
            communes.setdefault(code, []).append((insee, t.fold(name)))
    landlords = Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_LANDLORD)
    names = {services.normalise(value) for org in landlords for value in (org.name, org.code) if value}
    return reader.Lookups(communes=communes, social_landlords=frozenset(names))


def read_document(document_id) -> None:
    """Read one PDF (the Celery task's body): gone or already read, nothing happens; the result
    is written only if the document is still waiting, so a retry never reads twice."""
    document = ActDocument.objects.filter(pk=document_id, status=ActDocument.Status.QUEUED).first()
    if document is None:
        return
    with document.file.open("rb") as stream:
        content = stream.read()
    fields = {}
    try:
        text, pages, scan = t.extract(content)
        reading = reader.read_text(text, lookups=lookups(text), pages=pages, scan=scan)
    except t.UnreadablePdf as error:
        fields = {"status": ActDocument.Status.UNREADABLE, "error": str(error)}
    else:
        fields = {
            "status": ActDocument.Status.SCAN if reading.scan else ActDocument.Status.READ,
            "text": reading.text,
            "pages": reading.pages,
            "proposals": {
                name: {"value": p.value, "start": p.start, "end": p.end} for name, p in reading.fields.items()
            },
            "unsure": reading.unsure,
        }
    ActDocument.objects.filter(pk=document.pk, status=ActDocument.Status.QUEUED).update(**fields)
    logger.info("act_document=%s status=%s", document.pk, fields["status"])


# ---------------------------------------------------------------------------------------------
# Checking and confirming
# ---------------------------------------------------------------------------------------------


AMOUNTS = ("loyer", "dette")


def proposed_values(document) -> dict:
    """The proposals as the form shows them: amounts written the French way (1234,56)."""
    values = {name: document.proposals.get(name, {}).get("value", "") for name in CONTRACT_FIELDS}
    for name in AMOUNTS:
        values[name] = values[name].replace(".", ",")
    return values


def _one_row_file(values):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(CONTRACT_FIELDS)
    writer.writerow([values.get(name) or "" for name in CONTRACT_FIELDS])
    output.seek(0)
    return output


def check(values, *, user) -> list:
    """The errors the case file's rules raise on these values: the import's own dry run, each
    error as (field, message)."""
    report = services.import_acts(_one_row_file(values), filename="acte.csv", user=user, dry_run=True)
    return [(error.column, error.message) for error in report.errors]


def candidates(values, *, user) -> list:
    """The existing procedures the act may belong to: by reference first, then by household and
    address (the duplicate detector), among those the user may see."""
    visible = Procedure.objects.visible_to(user).select_related("household", "lease__commune")
    reference = (values.get("reference") or "").strip()
    found = list(visible.filter(reference=reference)) if reference else []
    if values.get("nom"):
        households = services.find_duplicates(
            last_name=values["nom"],
            first_name=values.get("prenom", ""),
            address=values.get("adresse", ""),
            postal_code=values.get("code_postal", ""),
        )
        found += [
            p for p in visible.filter(household__in=households).order_by("-opened_at")[:5] if p not in found
        ]
    return found


def _decide(document, user):
    locked = ActDocument.objects.select_for_update().get(pk=document.pk)
    if not locked.pending:
        raise ValidationError("Cet acte a déjà été traité.", code="decided")
    locked.decided_by, locked.decided_at = user, timezone.now()
    return locked


def confirm(*, document, values, user) -> tuple[ActDocument, list]:
    """Record the act through the import (formats.md), and keep the PDF as the act's document on
    the case; returns the document and the errors (nothing recorded when there are any)."""
    require_secretariat(user)
    with transaction.atomic():
        locked = _decide(document, user)
        report = services.import_acts(_one_row_file(values), filename="acte.csv", user=user)
        if not report.ok:
            transaction.set_rollback(True)
            return document, [(error.column, error.message) for error in report.errors]
        row = report.preview[0]
        procedure = Procedure.objects.get(reference=row.reference)
        locked.procedure = procedure
        locked.event = ProcedureEvent.objects.get(procedure=procedure, kind=row.kind, date=row.date)
        locked.status = ActDocument.Status.CONFIRMED
        locked.save(update_fields=["procedure", "event", "status", "decided_by", "decided_at"])
    logger.info("act_document=%s confirmed procedure=%s", locked.pk, procedure.pk)
    return locked, []


def set_aside(*, document, user, reason="") -> ActDocument:
    """Set the act aside: nothing is recorded, the PDF stays in the batch with the reason."""
    require_secretariat(user)
    with transaction.atomic():
        locked = _decide(document, user)
        locked.status = ActDocument.Status.SET_ASIDE
        locked.set_aside_reason = (reason or "").strip()[:250]
        locked.save(update_fields=["status", "set_aside_reason", "decided_by", "decided_at"])
    return locked


# ---------------------------------------------------------------------------------------------
# Who sees the PDFs
# ---------------------------------------------------------------------------------------------


def visible_documents(user):
    """The secretariat sees every PDF; a commission member none; any other role those of the
    cases it may see."""
    documents = ActDocument.objects.select_related("batch", "procedure")
    if is_secretariat(user):  # its départements' batches, on a case of theirs or none yet (issue 16)
        codes = acting_departements(user)
        return documents.filter(batch__departement_code__in=codes).filter(
            Q(procedure__isnull=True) | Q(procedure__departement_code__in=codes)
        )
    if acting_role(user) == Role.COMMISSION_MEMBER:
        return documents.none()  # the agenda's summaries only, never the case file (CP 226-13)
    return documents.filter(procedure__in=Procedure.objects.visible_to(user))


def log_document_access(*, user, document) -> None:
    """Every opening of a PDF is logged; on the case's access log too once it belongs to one."""
    ActDocumentAccess.objects.create(document=document, user=user, organisation=acting_organisation(user))
    if document.procedure_id:
        services.log_access(user=user, procedure=document.procedure, context="PDF d'acte")
