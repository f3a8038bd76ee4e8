"""Retention (law.md, "Data protection"): a case closed longer than the administrators' period is
anonymised, its files deleted, its history scrubbed, and the indicators stay the same; the run is
idempotent, has a dry run, and writes a journal."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from commissions.models import Session
from directory.models import Organisation, Role
from households.models import Person
from indicators import services as indicators
from letters.models import Letter, LetterKind
from letters.services import letters
from procedure import retention, services
from procedure.models import (
    ActDocument,
    AnonymisationRun,
    CaseTransfer,
    ChangeLog,
    Procedure,
    ReadingBatch,
    RetentionPolicy,
    Stage,
)
from procedure.tasks import anonymise_closed_cases
from referrals import services as referrals
from referrals.models import Attachment, Diagnosis, Referral
from tests.commissions.factories import (
    AgendaItemFactory,
    CommissionFactory,
    ReviewRequestFactory,
    SessionFactory,
)
from tests.conftest import client_for
from tests.factories import OrganisationFactory, member
from tests.procedure.factories import ProcedureFactory, procedure_at
from tests.referrals.factories import DIAGNOSIS, acting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]

TODAY = datetime.date(2026, 12, 1)
# With the default 24 months, the cut-off is 1 December 2024: a case closed before it is anonymised.
CUT_OFF = datetime.date(2024, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def closed_on(day, **fields):
    """A case whose household left (départ volontaire) on `day`, its acts before it."""
    return procedure_at(Stage.DEPARTURE, on=day, **fields)


def anonymised(procedure):
    return Procedure.objects.filter(pk=procedure.pk, anonymisation__isnull=False).exists()


def test_the_default_period_is_24_months_and_the_administrators_may_change_it():
    assert RetentionPolicy.current().months_after_closure == 24
    RetentionPolicy.objects.filter(pk=1).update(months_after_closure=36)
    assert retention.closed_before(TODAY, RetentionPolicy.current().months_after_closure) == datetime.date(
        2023, 12, 1
    )


def test_the_cut_off_of_a_31st_falls_back_to_the_month_s_last_day():
    assert retention.closed_before(datetime.date(2026, 12, 31), 10) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        (CUT_OFF - datetime.timedelta(days=1), True),  # closed 30/11/2024: more than 24 months ago
        (CUT_OFF, False),  # closed 01/12/2024: exactly 24 months, kept until the period is over
        (CUT_OFF + datetime.timedelta(days=1), False),
    ],
)
def test_a_case_is_anonymised_the_day_after_its_period_ends(closed, expected):
    case = closed_on(closed)

    retention.run(today=TODAY)

    assert anonymised(case) is expected


def test_an_open_case_is_never_anonymised():
    case = procedure_at(Stage.JUDGMENT, on=datetime.date(2020, 5, 4))

    retention.run(today=TODAY)

    assert not anonymised(case)


def test_a_household_with_another_case_still_kept_keeps_its_data():
    old = closed_on(datetime.date(2023, 1, 9))
    ProcedureFactory(household=old.household, lease=old.lease, landlord=old.landlord, holder=False)

    retention.run(today=TODAY)

    assert not anonymised(old)
    assert old.household.persons.get().last_name != retention.ANONYMOUS_PERSON


@pytest.fixture
def full_case(secretariat):
    """A closed case with what every app keeps of it: history, referral, DSF, attachment, letter,
    saisine, agenda item with its opinion."""
    acting(secretariat)
    case = closed_on(datetime.date(2023, 3, 14), household__label="M. et Mme Zablocki")
    case.household.persons.update(last_name="Zablocki", first_name="Ilona", birth_year=1980)
    services.update_household(
        household=case.household, data={"phone": "06 12 34 56 78"}, expected_version=1, user=secretariat
    )
    association = OrganisationFactory(code="asso", name="Association", kind=Organisation.Kind.ASSOCIATION)
    worker = acting(member(role=Role.SOCIAL_WORKER, organisation=association, email="ts@asso.example"))
    referral = referrals.request_referral(
        procedure=case, kind=Referral.Kind.DSF, addressed_to=association, user=secretariat, reason="Zablocki"
    )
    referral = referrals.accept(referral=referral, user=worker)
    referrals.add_attachment(
        referral=referral, user=worker, uploaded=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )
    referrals.save_diagnosis(referral=referral, user=worker, data=DIAGNOSIS, submit=True)
    letter = letters.generate(procedure=case, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)
    review = ReviewRequestFactory(procedure=case, household_name="Zablocki", reason="Ilona Zablocki")
    session = SessionFactory(
        commission=CommissionFactory(), date=datetime.date(2023, 2, 1), status=Session.Status.HELD
    )
    AgendaItemFactory(session=session, procedure=case, review_request=review, opinion="Mme Zablocki")
    return case, letter


def test_anonymisation_erases_names_texts_and_files_of_every_app(
    full_case, django_capture_on_commit_callbacks
):
    case, letter = full_case
    files = [letter.file.name, Attachment.objects.get().file.name]
    assert all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        journal = retention.run(today=TODAY)

    assert journal.cases == 1 and journal.files_deleted == 2
    case.refresh_from_db()
    assert case.reference == f"ANONYME-{case.pk}"
    assert case.household.label == retention.ANONYMOUS_HOUSEHOLD and case.household.phone == ""
    person = Person.objects.get(household=case.household)
    assert (person.last_name, person.first_name, person.birth_year) == ("Anonyme", "", None)
    assert case.lease.address == retention.ERASED
    assert not any(default_storage.exists(name) for name in files)
    assert not Attachment.objects.exists()
    assert Letter.objects.get().file.name == ""
    assert Diagnosis.objects.get().household_situation == ""
    assert Referral.objects.get().reason == ""
    assert "Zablocki" not in str(list(ChangeLog.objects.values_list("changes", flat=True)))
    assert "06 12" not in str(list(ChangeLog.objects.values_list("changes", flat=True)))


def test_the_indicators_are_the_same_before_and_after(full_case):
    closed_on(datetime.date(2022, 6, 20))
    procedure_at(Stage.POLICE_ASSISTANCE, on=datetime.date(2023, 5, 2))
    years = [2021, 2022, 2023, 2024]
    before = indicators.export_rows(years)

    assert retention.run(today=TODAY).cases == 2

    assert indicators.export_rows(years) == before
    assert any(row[3] for row in before), "the indicators count something"


def test_a_second_run_finds_nothing_and_both_are_journaled(full_case):
    assert anonymise_closed_cases.delay().get() == 1
    assert anonymise_closed_cases.delay().get() == 0

    runs = list(AnonymisationRun.objects.order_by("at").values_list("dry_run", "cases"))
    assert runs == [(False, 1), (False, 0)]


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(full_case):
    case, letter = full_case
    out = io.StringIO()

    call_command("anonymise_closed_cases", "--dry-run", stdout=out)

    # The case's attachment and letter: what the run then deletes (a dry run counts by running the
    # anonymisation in a transaction rolled back).
    assert "1 serait anonymisé, 2 fichiers à supprimer." in out.getvalue()
    case.refresh_from_db()
    assert case.household.label == "M. et Mme Zablocki" and default_storage.exists(letter.file.name)
    (journal,) = AnonymisationRun.objects.all()
    assert (journal.dry_run, journal.cases, journal.procedure_ids) == (True, 1, [case.pk])
    assert retention.run().files_deleted == journal.files_deleted == 2


def test_weekly_lists_older_than_the_period_are_deleted(django_capture_on_commit_callbacks):
    from letters.models import ListKind, WeeklyList

    weekly = WeeklyList.objects.create(
        kind=ListKind.CAF, week_start=datetime.date(2024, 1, 1), recipient=OrganisationFactory(caf=True)
    )
    weekly.csv.save("caf-2024-W01.csv", ContentFile(b"reference;nom\nX;Zablocki\n"))
    WeeklyList.objects.filter(pk=weekly.pk).update(
        built_at=datetime.datetime(2024, 1, 8, tzinfo=datetime.UTC)
    )
    name = weekly.csv.name

    with django_capture_on_commit_callbacks(execute=True):
        retention.run(today=TODAY)

    weekly.refresh_from_db()
    assert weekly.csv.name == "" and not default_storage.exists(name)


def test_anonymisation_deletes_the_act_pdfs_read_for_the_case_and_their_text(
    full_case, secretariat, django_capture_on_commit_callbacks
):
    """An act received as a PDF (procedure/reading) and confirmed on the case holds the household's
    name in its file, its file name, its extracted text and its proposals: erased with the rest."""
    case, _ = full_case
    document = ActDocument.objects.create(
        batch=ReadingBatch.objects.create(created_by=secretariat),
        file=SimpleUploadedFile("commandement-zablocki.pdf", PDF, "application/pdf"),
        name="commandement-zablocki.pdf",
        sha256="0" * 64,
        status=ActDocument.Status.CONFIRMED,
        text="Commandement de payer à M. et Mme Zablocki",
        proposals={"nom": {"value": "Zablocki", "start": 28, "end": 36}},
        procedure=case,
    )
    stored = document.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        journal = retention.run(today=TODAY)

    assert journal.files_deleted == 3  # the letter, the attachment and the act's PDF
    assert not default_storage.exists(stored)
    document.refresh_from_db()
    assert (document.file.name, document.text, document.proposals) == ("", "", {})
    assert "Zablocki" not in document.name
    client = client_for(secretariat)
    assert client.get(reverse("procedure:reading_pdf", args=[document.pk])).status_code == 404


def test_anonymisation_erases_the_reasons_of_a_transfer_between_departements(full_case):
    case, _ = full_case
    transfer = CaseTransfer.objects.create(
        procedure=case,
        from_departement="21",
        to_departement="71",
        reason="Mme Zablocki part vivre chez sa sœur à Chalon",
        refusal_reason="Zablocki inconnue à cette adresse",
    )

    retention.run(today=TODAY)

    transfer.refresh_from_db()
    assert (transfer.reason, transfer.refusal_reason) == (retention.ERASED, "")


def _dropped(secretariat, on, name, status=ActDocument.Status.SET_ASIDE):
    batch = ReadingBatch.objects.create(created_by=secretariat)
    ReadingBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC)
    )
    return ActDocument.objects.create(
        batch=batch,
        file=SimpleUploadedFile(name, PDF, "application/pdf"),
        name=name,
        sha256=name.ljust(64, "0")[:64],
        status=status,
        text="Commandement de payer à Mme Zablocki",
        set_aside_reason="Doublon de l'acte de Mme Zablocki",
    )


def test_a_pdf_never_attached_to_a_case_is_erased_after_the_period(
    secretariat, django_capture_on_commit_callbacks
):
    """A PDF set aside, or left unchecked, names a household that no case holds: past the period
    (24 months from its drop), its file is deleted and its texts erased; a recent one is kept."""
    old = _dropped(secretariat, datetime.date(2024, 11, 30), "zablocki-ancien.pdf")
    unchecked = _dropped(secretariat, datetime.date(2024, 6, 1), "zablocki-lu.pdf", ActDocument.Status.READ)
    recent = _dropped(secretariat, datetime.date(2024, 12, 1), "zablocki-recent.pdf")
    files = [document.file.name for document in (old, unchecked, recent)]

    assert retention.run(today=TODAY, dry_run=True).files_deleted == 2
    with django_capture_on_commit_callbacks(execute=True):
        journal = retention.run(today=TODAY)

    assert journal.files_deleted == 2
    for document in (old, unchecked, recent):
        document.refresh_from_db()
    assert [default_storage.exists(name) for name in files] == [False, False, True]
    assert (old.file.name, old.name, old.text, old.set_aside_reason) == ("", retention.ERASED, "", "")
    assert "Zablocki" not in unchecked.text + unchecked.name
    assert recent.text == "Commandement de payer à Mme Zablocki"


def test_a_partner_s_saisine_refused_without_a_case_is_erased_after_the_period():
    """Refused or withdrawn before it was attached to a case, a partner's saisine describes a
    household no case holds: past the period its description is erased; one still waiting, or
    recent, is kept."""
    from commissions.models import ReviewRequest
    from directory.models import Commune

    partner = OrganisationFactory()

    def saisine(on, status):
        review = ReviewRequest.objects.create(
            source=ReviewRequest.Source.PARTNER,
            status=status,
            requesting_organisation=partner,
            reason="Impayés de Mme Zablocki depuis six mois",
            household_name="Mme Zablocki",
            household_address="3 rue des Lilas",
            commune=Commune.objects.first(),
            refusal_reason="Mme Zablocki déjà suivie",
        )
        ReviewRequest.objects.filter(pk=review.pk).update(
            created_at=datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC)
        )
        return review

    refused = saisine(datetime.date(2024, 11, 1), ReviewRequest.Status.REFUSED)
    withdrawn = saisine(datetime.date(2023, 1, 1), ReviewRequest.Status.WITHDRAWN)
    waiting = saisine(datetime.date(2023, 1, 1), ReviewRequest.Status.PENDING)
    recent = saisine(datetime.date(2025, 6, 1), ReviewRequest.Status.REFUSED)

    retention.run(today=TODAY)

    rows = {r.pk: r for r in ReviewRequest.objects.all()}
    for erased in (refused, withdrawn):
        row = rows[erased.pk]
        assert (row.household_name, row.household_address, row.reason, row.refusal_reason) == (
            retention.ANONYMOUS_HOUSEHOLD,
            "",
            "",
            "",
        )
        assert not ReviewRequest.history.filter(id=erased.pk, household_name="Mme Zablocki").exists()
    assert rows[waiting.pk].household_name == rows[recent.pk].household_name == "Mme Zablocki"
