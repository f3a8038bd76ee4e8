"""Import of procedural acts from a CSV or XLSX file (formats.md, `import_acts`).

The file is read and checked whole first: every error of every row is reported at once,
"ligne L, colonne C : message" (the header is line 1). Then, only if nothing is wrong, the
procedures and acts are written in one transaction through services.record_event, so that each
act creates its tasks; acts already recorded are skipped (importing twice changes nothing).
A dry run does the same and rolls back.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from directory.models import Commune, Organisation
from households.models import HousingSector, Landlord

from . import deadlines, rules, services
from .models import JudgmentOutcome, PoliceDecision, Procedure, ProcedureEvent, Stage

REQUIRED = ("reference", "acte", "date_acte")
FOR_NEW_PROCEDURE = ("nom", "adresse", "code_postal", "commune_insee", "bailleur", "parc")
COLUMNS = REQUIRED + FOR_NEW_PROCEDURE + (
    "prenom", "bailleur_siren", "date_bail", "loyer", "charges", "dette", "date_audience", "issue",
    "adultes", "enfants", "numero_allocataire",
)  # fmt: skip
XLSX_MAGIC = b"PK\x03\x04"
# The amounts' columns hold up to 9 digits, cents included (households.Lease.rent).
MAX_AMOUNT = Decimal("10000000")


@dataclass(frozen=True)
class ImportError:  # noqa: A001 - the name of formats.md's contract
    line: int
    column: str
    message: str

    def __str__(self):
        return f"ligne {self.line}, colonne {self.column} : {self.message}"


@dataclass
class PreviewRow:
    line: int
    reference: str
    kind: str
    date: datetime.date
    status: str  # "nouvelle procédure", "à enregistrer", "déjà connu"

    @property
    def kind_label(self):
        return Stage(self.kind).label


@dataclass
class ImportReport:
    created_procedures: int = 0
    recorded_acts: int = 0
    known_acts: int = 0
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)
    anomalies: list = field(default_factory=list)  # ImportAnomaly: what the acts break, as on the case page
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        summary = (
            f"{self.created_procedures} procédures créées, {self.recorded_acts} actes enregistrés, "
            f"{self.known_acts} actes déjà connus"
        )
        if self.anomalies:
            count = len(self.anomalies)
            summary += f", {count} anomalie{'s' if count > 1 else ''} relevée{'s' if count > 1 else ''}"
        return summary


@dataclass(frozen=True)
class ImportAnomaly:
    reference: str
    message: str

    def __str__(self):
        return f"dossier {self.reference} : {self.message}"


@dataclass
class Row:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


def read_table(file_obj, *, filename="", file_format=None) -> list[list]:
    """The rows of the file (header first), as lists of cell values."""
    content = file_obj.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    is_xlsx = file_format == "xlsx" or filename.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC)
    return _read_xlsx(content) if is_xlsx else _read_csv(content)


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("le fichier n'est pas encodé en UTF-8") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ValueError("le classeur XLSX est illisible") from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# Parsing the cells
# ---------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date « {text} » invalide : AAAA-MM-JJ ou JJ/MM/AAAA attendu")


def parse_amount(value):
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = re.sub(r"[\s\u00a0\u202f€]", "", _text(value))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"montant « {_text(value)} » invalide : 1234.56 ou 1 234,56 attendu") from error
    if not amount.is_finite() or amount >= MAX_AMOUNT:
        raise ValueError(f"montant « {_text(value)} » invalide : moins de 10 000 000 € attendu")
    if amount < 0:
        raise ValueError("un montant ne peut pas être négatif")
    return amount.quantize(Decimal("0.01"))


def parse_count(value):
    text = _text(value)
    if not text.isdigit():
        raise ValueError(f"nombre « {text} » invalide : un entier positif attendu")
    return int(text)


def _choice(allowed):
    def parse(value):
        text = _text(value).lower()
        if text not in allowed:
            raise ValueError(f"valeur « {_text(value)} » inconnue : {', '.join(allowed)} attendu")
        return text

    return parse


def _siren(value):
    text = re.sub(r"\s", "", _text(value))
    if not re.fullmatch(r"\d{9}", text):
        raise ValueError(f"SIREN « {_text(value)} » invalide : 9 chiffres attendus")
    return text


def _insee(value):
    text = _text(value).upper()
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", text):
        raise ValueError(f"code INSEE « {_text(value)} » invalide : 5 caractères attendus")
    return text


PARSERS = {
    "acte": _choice([stage.value for stage in Stage]),
    "date_acte": parse_date,
    "date_bail": parse_date,
    "date_audience": parse_date,
    "loyer": parse_amount,
    "charges": parse_amount,
    "dette": parse_amount,
    "adultes": parse_count,
    "enfants": parse_count,
    "parc": _choice([HousingSector.PUBLIC.value, HousingSector.PRIVATE.value]),
    "bailleur_siren": _siren,
    "commune_insee": _insee,
}


# ---------------------------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------------------------


def import_acts(file_obj, *, filename="", file_format=None, user=None, dry_run=False) -> ImportReport:
    """Check the whole file, then import it in one transaction, or nothing (formats.md)."""
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(file_obj, filename=filename, file_format=file_format)
    except ValueError as error:
        report.errors.append(ImportError(1, "-", str(error)))
        return report
    rows, columns = _rows(table, report)
    if report.errors:
        return report
    groups = _check(rows, columns, report)
    if report.errors:
        return report
    with transaction.atomic():
        _write(groups, report, user)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if report.errors:
        report.created_procedures = report.recorded_acts = report.known_acts = 0
    return report


def _rows(table, report):
    if not table or not any(_text(cell) for cell in table[0]):
        report.errors.append(ImportError(1, "-", "le fichier est vide ou n'a pas de ligne d'en-tête"))
        return [], {}
    header = [_text(cell).lower() for cell in table[0]]
    columns = {name: header[index] for index, name in enumerate(header) if name in COLUMNS}
    for name in REQUIRED:
        if name not in header:
            report.errors.append(ImportError(1, name, "colonne obligatoire absente"))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(_text(cell) for cell in cells):
            continue
        raw = {name: cells[index] if index < len(cells) else None for index, name in enumerate(header)}
        rows.append(Row(number, raw))
    return rows, columns


def _parse_row(row, report):
    for name in COLUMNS:
        value = row.raw.get(name)
        if _text(value) == "" and not isinstance(value, (datetime.date, int, float)):
            continue
        parser = PARSERS.get(name, _text)
        try:
            row.values[name] = parser(value)
        except ValueError as error:
            report.errors.append(ImportError(row.line, name, str(error)))
    for name in REQUIRED:
        if name not in row.values and _text(row.raw.get(name)) == "":
            report.errors.append(ImportError(row.line, name, "valeur obligatoire manquante"))
    _check_details(row, report)


def _check_details(row, report):
    kind, values = row.values.get("acte"), row.values
    if kind == Stage.SUMMONS and _text(row.raw.get("date_audience")) == "":
        report.errors.append(
            ImportError(row.line, "date_audience", "date d'audience obligatoire pour une assignation")
        )
    if kind == Stage.JUDGMENT and values.get("issue", "").lower() not in JudgmentOutcome.values:
        report.errors.append(
            ImportError(
                row.line, "issue", f"issue du jugement attendue : {', '.join(JudgmentOutcome.values)}"
            )
        )
    if kind == Stage.POLICE_ASSISTANCE and values.get("issue", "").lower() not in PoliceDecision.values:
        report.errors.append(ImportError(row.line, "issue", "décision attendue : accorde ou refuse"))
    if "commune_insee" in values and not Commune.objects.filter(insee_code=values["commune_insee"]).exists():
        report.errors.append(
            ImportError(row.line, "commune_insee", f"commune {values['commune_insee']} inconnue de Prévex")
        )


def _check(rows, columns, report):
    for row in rows:
        _parse_row(row, report)
    groups = {}
    for row in rows:
        if "reference" in row.values and "date_acte" in row.values and "acte" in row.values:
            groups.setdefault(row.values["reference"], []).append(row)
    existing = {
        procedure.reference: procedure
        for procedure in Procedure.objects.filter(reference__in=list(groups)).prefetch_related("events")
    }
    for reference, group in groups.items():
        group.sort(key=lambda row: (row.values["date_acte"], rules.stage_rank(row.values["acte"])))
        procedure = existing.get(reference)
        if procedure is None:
            _check_new_procedure(reference, group, report)
        _check_order(procedure, group, report)
    return [(reference, existing.get(reference), group) for reference, group in groups.items()]


def _check_new_procedure(reference, group, report):
    for name in FOR_NEW_PROCEDURE:
        if not any(name in row.values for row in group):
            report.errors.append(
                ImportError(group[0].line, name, f"obligatoire pour la nouvelle procédure {reference}")
            )


def _check_order(procedure, group, report):
    events = list(procedure.events.all()) if procedure else []
    today = timezone.localdate()
    for row in group:
        kind, date = row.values["acte"], row.values["date_acte"]
        if date > today:
            report.errors.append(
                ImportError(row.line, "date_acte", f"la date du {services.fr_date(date)} est dans le futur")
            )
            continue
        if any(event.kind == kind and event.date == date for event in events):
            continue
        try:
            services.check_order(kind, date, events)
            services.check_fields(kind, date, _details(row.values))
        except services.EventRefused as refusal:
            column = COLUMN_OF_FIELD.get(refusal.field, "date_acte")
            report.errors.append(ImportError(row.line, column, refusal.messages[0]))
            continue
        events.append(ProcedureEvent(kind=kind, date=date))


# The form's fields as the file's columns, so that a refusal names the column (same message).
COLUMN_OF_FIELD = {"date": "date_acte", "hearing_date": "date_audience", "judgment_outcome": "issue"}
COLUMN_OF_FIELD["police_decision"] = "issue"


def _details(values) -> dict:
    kind, issue = values["acte"], values.get("issue", "").lower()
    return {
        "hearing_date": values.get("date_audience") if kind == Stage.SUMMONS else None,
        "judgment_outcome": issue if kind == Stage.JUDGMENT else "",
        "police_decision": issue if kind == Stage.POLICE_ASSISTANCE else "",
        "closure_reason": "",
        "time_to_leave_until": None,
    }


def _write(groups, report, user):
    for reference, procedure, group in groups:
        before = set() if procedure is None else {str(a) for a in deadlines.anomalies(procedure)}
        if procedure is None:
            procedure = _create_procedure(reference, group, user)
            report.created_procedures += 1
        for row in group:
            _record(procedure, row, report, user)
        report.anomalies += [
            ImportAnomaly(reference, str(anomaly))
            for anomaly in deadlines.anomalies(procedure)
            if str(anomaly) not in before
        ]


def _record(procedure, row, report, user):
    values = row.values
    try:
        _, created = services.record_event(
            procedure=procedure,
            kind=values["acte"],
            date=values["date_acte"],
            user=user,
            source=ProcedureEvent.Source.IMPORT,
            debt=values.get("dette"),
            **_details(values),
        )
    except services.EventRefused as refusal:
        report.errors.append(ImportError(row.line, refusal.field, refusal.messages[0]))
        return
    if created:
        report.recorded_acts += 1
    else:
        report.known_acts += 1
    status = "à enregistrer" if created else "déjà connu"
    report.preview.append(
        PreviewRow(row.line, procedure.reference, values["acte"], values["date_acte"], status)
    )


def _first(group, name):
    return next((row.values[name] for row in group if name in row.values), None)


def _create_procedure(reference, group, user):
    get = lambda name: _first(group, name)  # noqa: E731
    holder = {"last_name": get("nom"), "first_name": get("prenom") or ""}
    household = {
        "label": f"{holder['first_name']} {holder['last_name']}".strip(),
        "benefit_claim_number": get("numero_allocataire") or "",
        "adults": get("adultes"),
        "children": get("enfants"),
        "holder": holder,
    }
    lease = {
        "address": get("adresse"),
        "postal_code": get("code_postal"),
        "commune": Commune.objects.get(insee_code=get("commune_insee")),
        "sector": get("parc"),
        "signed_on": get("date_bail"),
        "rent": get("loyer"),
        "charges": get("charges"),
    }
    landlord = match_landlord(get("bailleur"), get("bailleur_siren"))
    return services.create_case(
        reference=reference, household=household, lease=lease, landlord=landlord, user=user
    )


def match_landlord(name, siren=None) -> Landlord:
    """A known social landlord (an Organisation) by SIREN or name; otherwise a private landlord by name."""
    social = Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_LANDLORD)
    organisation = social.filter(siren=siren).first() if siren else None
    if organisation is None:
        wanted = services.normalise(name)
        organisation = next(
            (org for org in social if wanted in (services.normalise(org.name), services.normalise(org.code))),
            None,
        )
    if organisation is not None:
        return services.landlord_from(organisation=organisation)
    wanted = services.normalise(name)
    for landlord in Landlord.objects.exclude(kind=Landlord.Kind.SOCIAL).filter(name__iexact=name.strip()):
        if services.normalise(landlord.name) == wanted:
            return landlord
    kind = Landlord.Kind.COMPANY if re.search(r"\b(sci|sarl|sas|sa)\b", wanted) else Landlord.Kind.PERSON
    return services.landlord_from(kind=kind, name=name.strip(), siren=siren or "")
