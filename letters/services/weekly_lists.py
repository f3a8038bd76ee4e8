"""The weekly lists of formats.md ("Weekly lists"): which households, which columns, which files.

- SIAO list (Charte étape 6 and annexe 5): households whose concours de la force publique was
  granted during the ISO week (a `concours_force_publique` act with decision `accorde` dated Monday
  to Sunday), each with its veille sociale flag.
- CAF list (Charte étape 2): the commandements de payer dated during the ISO week, sent to the CAF
  and the social services.

Acts are dates (not datetimes): an act dated Sunday belongs to that week, one dated the next Monday
to the next week.

## Veille sociale (Charte annexe 5)

The annexe names three levels without spelling out the rule between them; Prévex applies this one
(to be confirmed by the secretariat; a change here changes the column, never its codes):

- `requise` (a social worker present at the eviction, an emergency housing offer mandatory): a
  vulnerability criterion is validated — a minor child (the household's `children` > 0, or a member
  of role `enfant` under 18 in the year of the grant), a pregnancy, a disability, a health issue, a
  member aged 65 or more in the year of the grant, or another vulnerability recorded;
- `hebergement_sur_demande` (housing must be offered if they call the 115): no criterion, but the
  household is known to the social services (it has a social referent);
- `selon_places` (housing offered if places are available when they call the 115): otherwise.

Files: XLSX (one sheet), CSV (UTF-8 with BOM, `;` separator, header row with the column names
below, dates `YYYY-MM-DD`, amounts `1234.56`), PDF (a landscape table).
"""

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal

from django.template.loader import render_to_string
from openpyxl import Workbook

from directory.exports import safe_cell, xlsx_row
from directory.models import Organisation
from households.models import Person
from procedure.models import EventKind, PoliceDecision, ProcedureEvent

from ..models import ListKind, ListRecipient

COLUMNS = {
    ListKind.SIAO: [
        "reference",
        "nom",
        "prenom",
        "adresse",
        "code_postal",
        "commune",
        "date_octroi",
        "adultes",
        "enfants",
        "veille_sociale",
        "referent_social",
    ],
    ListKind.CAF: [
        "reference",
        "nom",
        "prenom",
        "adresse",
        "code_postal",
        "commune",
        "date_commandement",
        "bailleur",
        "parc",
        "dette",
        "numero_allocataire",
    ],
}

DATE_COLUMNS = {"date_octroi", "date_commandement"}
AMOUNT_COLUMNS = {"dette"}
# What a person reads above each column on screen (the files keep formats.md's names).
COLUMN_TITLES = {
    "reference": "Référence",
    "nom": "Nom",
    "prenom": "Prénom",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "date_octroi": "Concours accordé le",
    "adultes": "Adultes",
    "enfants": "Enfants",
    "veille_sociale": "Veille sociale",
    "referent_social": "Référent social",
    "date_commandement": "Commandement de payer du",
    "bailleur": "Bailleur",
    "parc": "Parc",
    "dette": "Dette (€)",
    "numero_allocataire": "Numéro allocataire",
}

# Organisations receiving a list when no ListRecipient is configured for its kind.
DEFAULT_RECIPIENT_KINDS = {ListKind.SIAO: Organisation.Kind.SIAO, ListKind.CAF: Organisation.Kind.CAF}

# fn(procedure_ids) -> {procedure_id: "referent name"}; the referrals app may register one.
REFERENT_SOURCES: list[Callable[[list[int]], dict[int, str]]] = []

REQUIRED = "requise"
ON_REQUEST = "hebergement_sur_demande"
IF_PLACES = "selon_places"
MINOR_AGE = 18
SENIOR_AGE = 65


def week_start_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def parse_iso_week(value: str) -> datetime.date:
    """'2026-W48' -> the Monday of that ISO week; ValueError with a French message otherwise."""
    try:
        year, week = value.strip().upper().split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)
    except ValueError as exc:
        raise ValueError(f"Semaine invalide : {value!r} (attendu AAAA-Snn, par exemple 2026-W48).") from exc


def iso_week_label(week_start: datetime.date) -> str:
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def recipients(kind, departements=None) -> list[Organisation]:
    """The active organisations with an address receiving this kind of list (working in one of
    `departements`, when given)."""
    configured = ListRecipient.objects.filter(kind=kind)
    if configured.exists():
        organisations = Organisation.objects.filter(
            list_subscriptions__kind=kind, list_subscriptions__is_active=True
        )
    else:
        organisations = Organisation.objects.filter(kind=DEFAULT_RECIPIENT_KINDS[kind])
    if departements is not None:
        organisations = organisations.filter(pk__in=Organisation.objects.serving(*departements).values("pk"))
    return list(organisations.filter(is_active=True).exclude(email="").order_by("name"))


def sends_as_attachment(*, kind, organisation) -> bool:
    return ListRecipient.objects.filter(
        kind=kind, organisation=organisation, is_active=True, send_as_attachment=True
    ).exists()


def _events(kind, week_start, departements=None):
    week_end = week_start + datetime.timedelta(days=6)
    events = ProcedureEvent.objects.filter(date__gte=week_start, date__lte=week_end)
    if departements is not None:  # a recipient receives its départements' cases only (issue 16)
        events = events.filter(procedure__departement_code__in=list(departements))
    if kind == ListKind.SIAO:
        events = events.filter(kind=EventKind.POLICE_ASSISTANCE, police_decision=PoliceDecision.GRANTED)
    else:
        events = events.filter(kind=EventKind.PAYMENT_ORDER)
    return (
        events.select_related("procedure__household", "procedure__lease__commune", "procedure__landlord")
        .prefetch_related("procedure__household__persons")
        .order_by("date", "procedure__reference")
    )


def _holder(household) -> Person | None:
    persons = list(household.persons.all())
    holders = [p for p in persons if p.role == Person.Role.HOLDER]
    return (holders or persons or [None])[0]


def _identity(procedure) -> dict:
    household, lease = procedure.household, procedure.lease
    holder = _holder(household)
    return {
        "reference": procedure.reference,
        "nom": holder.last_name if holder else household.label,
        "prenom": holder.first_name if holder else "",
        "adresse": lease.address,
        "code_postal": lease.postal_code,
        "commune": lease.commune.name,
    }


def vulnerability_criteria(household, *, on: datetime.date) -> list[str]:
    """The validated vulnerability criteria of a household (Charte annexe 5), in French."""
    persons = list(household.persons.all())
    criteria = []
    if (household.children or 0) > 0 or any(
        p.role == Person.Role.CHILD and p.birth_year and on.year - p.birth_year < MINOR_AGE for p in persons
    ):
        criteria.append("enfant mineur")
    checks = [
        ("grossesse", lambda p: p.is_pregnant),
        ("handicap", lambda p: p.has_disability),
        ("santé", lambda p: p.has_health_issue),
        ("âge", lambda p: bool(p.birth_year) and on.year - p.birth_year >= SENIOR_AGE),
        ("autre vulnérabilité", lambda p: bool(p.other_vulnerability.strip())),
    ]
    criteria += [label for label, test in checks if any(test(p) for p in persons)]
    return criteria


def veille_sociale(household, *, on: datetime.date, referent: str) -> str:
    """The veille sociale code of the SIAO list (Charte annexe 5; see the table above)."""
    if vulnerability_criteria(household, on=on):
        return REQUIRED
    return ON_REQUEST if referent else IF_PLACES


def _referents(procedure_ids) -> dict[int, str]:
    found = {}
    for source in REFERENT_SOURCES:
        for procedure_id, name in source(procedure_ids).items():
            found.setdefault(procedure_id, name)
    return found


def _amount(value) -> str:
    return "" if value is None else f"{value:.2f}"


def rows(kind, week_start: datetime.date, departements=None) -> list[dict]:
    """The rows of a list, in the columns of formats.md, in date then reference order; the cases of
    `departements` only when given."""
    events = list(_events(kind, week_start, departements))
    if kind == ListKind.SIAO:
        referents = _referents([e.procedure_id for e in events])
        return [_siao_row(event, referents.get(event.procedure_id, "")) for event in events]
    return [_caf_row(event) for event in events]


def _siao_row(event, referent) -> dict:
    procedure = event.procedure
    household = procedure.household
    return {
        **_identity(procedure),
        "date_octroi": event.date.isoformat(),
        "adultes": "" if household.adults is None else household.adults,
        "enfants": "" if household.children is None else household.children,
        "veille_sociale": veille_sociale(household, on=event.date, referent=referent),
        "referent_social": referent,
    }


def _caf_row(event) -> dict:
    procedure = event.procedure
    return {
        **_identity(procedure),
        "date_commandement": event.date.isoformat(),
        "bailleur": procedure.landlord.name,
        "parc": procedure.lease.sector,
        "dette": _amount(event.debt if event.debt is not None else procedure.debt),
        "numero_allocataire": procedure.household.benefit_claim_number,
    }


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def to_csv(kind, rows_: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS[kind], delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: safe_cell(value) for column, value in row.items()} for row in rows_)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(kind, rows_: list[dict], *, week_start) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{kind} {iso_week_label(week_start)}"
    sheet.append(COLUMNS[kind])
    for row in rows_:
        sheet.append(xlsx_row(sheet, [_typed(column, row[column]) for column in COLUMNS[kind]]))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(column, value):
    """The XLSX value of a row's cell: dates as dates, amounts as numbers, the rest as it is."""
    if value and column in DATE_COLUMNS:
        return datetime.date.fromisoformat(value)
    if value and column in AMOUNT_COLUMNS:
        return Decimal(value)
    return value


def to_pdf(kind, rows_: list[dict], *, week_start) -> bytes:
    from .letters import render_pdf

    html = render_to_string(
        "letters/pdf/weekly_list.html",
        {
            "kind_label": ListKind(kind).label,
            "week": iso_week_label(week_start),
            "week_start": week_start,
            "week_end": week_start + datetime.timedelta(days=6),
            "columns": [COLUMN_TITLES[column] for column in COLUMNS[kind]],
            "rows": [[row[column] for column in COLUMNS[kind]] for row in rows_],
        },
    )
    return render_pdf(html)


def light_files(kind, week_start, departements=None) -> tuple[list[dict], dict[str, bytes]]:
    """The rows of a list (the cases of `departements` only when given) and its light files (xlsx,
    csv), sent first; the PDF comes after (delivery.render_pdf, on the pdf queue)."""
    rows_ = rows(kind, week_start, departements)
    return rows_, {"xlsx": to_xlsx(kind, rows_, week_start=week_start), "csv": to_csv(kind, rows_)}


def files(kind, week_start, departements=None) -> tuple[list[dict], dict[str, bytes]]:
    """The rows of a list and its three files (xlsx, csv, pdf), at once (the command line)."""
    rows_, content = light_files(kind, week_start, departements)
    return rows_, {**content, "pdf": to_pdf(kind, rows_, week_start=week_start)}
