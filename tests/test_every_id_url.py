"""Every view that takes an id, walked with every persona that should not reach it (style.md): a
404 when the object is not visible, a 403 when it is visible but not theirs to change, and never a
page, a file or a write. The URLs are read from the resolver, so a new view with an id fails here
until it is added to `KWARGS`."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from commissions import calendar
from commissions import services as commissions
from commissions.models import CommissionMember, RehousingPoolEntry, Session
from directory import services as directory_services
from directory.models import ApiToken, Notification, Organisation, Role
from letters.models import LetterKind, ListKind
from letters.services import delivery, letters
from procedure.models import (
    AccessLog,
    ActDocument,
    ActDocumentAccess,
    BackgroundExport,
    CaseTransfer,
    ProcedureEvent,
    ReadingBatch,
    SavedView,
    Screen,
    Stage,
    Task,
)
from referrals import services as referrals
from referrals.models import Referral, SupportMeasure
from tests.commissions.factories import (
    AgendaItemFactory,
    CommissionFactory,
    ReviewRequestFactory,
    SessionFactory,
)
from tests.conftest import client_for
from tests.factories import OrganisationFactory, member
from tests.letters.factories import payment_order_on
from tests.procedure.factories import procedure_at
from tests.referrals.factories import DIAGNOSIS, acting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# url name -> the kwargs of the world's object it opens
KWARGS = {
    "procedure:task_done": lambda w: {"pk": w["task"].pk},
    "procedure:task_set_aside": lambda w: {"pk": w["task"].pk},
    "procedure:detail": lambda w: {"pk": w["case"].pk},
    "procedure:record_event": lambda w: {"pk": w["case"].pk},
    "procedure:complete_task": lambda w: {"pk": w["case"].pk, "task_pk": w["task"].pk},
    "procedure:set_aside_task": lambda w: {"pk": w["case"].pk, "task_pk": w["task"].pk},
    "procedure:edit_household": lambda w: {"pk": w["case"].pk},
    "procedure:edit_lease": lambda w: {"pk": w["case"].pk},
    "procedure:subject_export": lambda w: {"pk": w["case"].pk, "fmt": "json"},
    "procedure:case_history": lambda w: {"pk": w["case"].pk},
    "procedure:transfer_request": lambda w: {"pk": w["case"].pk},
    "procedure:transfer_detail": lambda w: {"pk": w["transfer"].pk},
    "procedure:correct_event": lambda w: {"pk": w["case"].pk, "event_pk": w["event"].pk},
    "procedure:cancel_event": lambda w: {"pk": w["case"].pk, "event_pk": w["event"].pk},
    "procedure:delete_view": lambda w: {"pk": w["saved_view"].pk},
    "procedure:set_default_view": lambda w: {"screen": Screen.PROCEDURES},
    "procedure:reading_batch": lambda w: {"pk": w["act_document"].batch_id},
    "procedure:reading_batch_status": lambda w: {"pk": w["act_document"].batch_id},
    "procedure:reading_check": lambda w: {"pk": w["act_document"].pk},
    "procedure:reading_pdf": lambda w: {"pk": w["act_document"].pk},
    "procedure:background_export": lambda w: {"pk": w["background_export"].pk},
    "procedure:background_export_status": lambda w: {"pk": w["background_export"].pk},
    "procedure:background_export_download": lambda w: {"pk": w["background_export"].pk},
    "directory:api_token_revoke": lambda w: {"pk": w["api_token"].pk},
    "directory:open_notification": lambda w: {"pk": w["notification"].pk},
    # The partner API takes tokens, not sessions: a persona's session gets 401 there, the token kinds
    # are replayed on every endpoint in tests/directory/test_api_access.py.
    "api:act_pdf_batch": lambda w: {"pk": w["act_document"].batch_id},
    "api:weekly_list_siao": lambda w: {"semaine": "2026-W46"},
    "api:weekly_list_caf": lambda w: {"semaine": "2026-W46"},
    "letters:batch_progress": lambda w: {"pk": w["batch"].pk},
    "letters:batch_bundle": lambda w: {"pk": w["batch"].pk},
    "letters:letter_pdf": lambda w: {"pk": w["letter"].pk},
    "letters:letter_status": lambda w: {"pk": w["letter"].pk},
    "letters:generate": lambda w: {"procedure_pk": w["case"].pk},
    "letters:answer": lambda w: {"procedure_pk": w["case"].pk},
    "letters:weekly_list_detail": lambda w: {"pk": w["weekly"].pk},
    "letters:weekly_list_resend": lambda w: {"pk": w["weekly"].pk},
    "letters:weekly_list_download": lambda w: {"pk": w["weekly"].pk, "fmt": "csv"},
    "indicators:report": lambda w: {"year": 2026},
    "referrals:detail": lambda w: {"pk": w["referral"].pk},
    "referrals:accept": lambda w: {"pk": w["referral"].pk},
    "referrals:start": lambda w: {"pk": w["referral"].pk},
    "referrals:refuse": lambda w: {"pk": w["referral"].pk},
    "referrals:log_contact": lambda w: {"pk": w["referral"].pk},
    "referrals:unreachable": lambda w: {"pk": w["referral"].pk},
    "referrals:cancel": lambda w: {"pk": w["referral"].pk},
    "referrals:share": lambda w: {"pk": w["referral"].pk},
    "referrals:diagnosis": lambda w: {"pk": w["referral"].pk},
    "referrals:diagnosis_confirm": lambda w: {"pk": w["referral"].pk},
    "referrals:diagnosis_pdf": lambda w: {"pk": w["referral"].pk},
    "referrals:visit_report": lambda w: {"pk": w["referral"].pk},
    "referrals:upload": lambda w: {"pk": w["referral"].pk},
    "referrals:download": lambda w: {"pk": w["referral"].pk, "attachment_pk": w["attachment"].pk},
    "referrals:request": lambda w: {"procedure_pk": w["case"].pk},
    "referrals:add_measure": lambda w: {"procedure_pk": w["case"].pk},
    "referrals:edit_measure": lambda w: {"pk": w["measure"].pk},
    "referrals:renew_measure": lambda w: {"pk": w["measure"].pk},
    "commissions:commission": lambda w: {"pk": w["session"].commission_id},
    "commissions:plan": lambda w: {"pk": w["session"].commission_id},
    "commissions:review_detail": lambda w: {"pk": w["review"].pk},
    "commissions:withdraw": lambda w: {"pk": w["review"].pk},
    "commissions:schedule_review": lambda w: {"pk": w["review"].pk},
    "commissions:request_review": lambda w: {"procedure_pk": w["case"].pk},
    "commissions:session": lambda w: {"pk": w["session"].pk},
    "commissions:session_edit": lambda w: {"pk": w["session"].pk},
    "commissions:add_item": lambda w: {"pk": w["session"].pk},
    "commissions:publish": lambda w: {"pk": w["session"].pk},
    "commissions:close": lambda w: {"pk": w["session"].pk},
    "commissions:decision_record": lambda w: {"pk": w["session"].pk},
    "commissions:opinion_letters": lambda w: {"pk": w["session"].pk},
    "commissions:item": lambda w: {"pk": w["item"].pk},
    "commissions:move_up": lambda w: {"pk": w["item"].pk},
    "commissions:move_down": lambda w: {"pk": w["item"].pk},
    "commissions:set_presenter": lambda w: {"pk": w["item"].pk},
    "commissions:remove_item": lambda w: {"pk": w["item"].pk},
    "commissions:add_recommendation": lambda w: {"pk": w["item"].pk},
    "commissions:close_recommendation": lambda w: {"pk": w["recommendation"].pk},
    "commissions:answer_recommendation": lambda w: {"pk": w["recommendation"].pk},
    "commissions:member_session": lambda w: {"pk": w["session"].pk},
    "commissions:member_agenda_pdf": lambda w: {"pk": w["session"].pk},
    # The feed answers to its token alone (a private URL given to a calendar): a revoked one gives
    # nothing, whoever asks.
    "commissions:calendar_feed": lambda w: {"token": w["revoked_feed_token"]},
    "commissions:case_summary": lambda w: {"session_pk": w["session"].pk, "pk": w["item"].pk},
    "commissions:pool_entry": lambda w: {"pk": w["pool_entry"].pk},
    "commissions:add_offer": lambda w: {"pk": w["pool_entry"].pk},
    "commissions:answer_offer": lambda w: {"pk": w["offer"].pk},
    "commissions:enter_pool": lambda w: {"procedure_pk": w["case"].pk},
}
# Pages that take a key but hold no household data and are the same for every user.
WITHOUT_OBJECT = {"directory:password_reset_confirm", "letters:template_edit", "indicators:procedures"}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                yield from _names(pattern.url_patterns, inner)
        elif "<" in str(pattern.pattern) and pattern.name:
            yield namespace + pattern.name


def test_every_view_with_an_id_is_in_the_walk():
    names = set(_names(get_resolver().url_patterns))
    assert names - WITHOUT_OBJECT - set(KWARGS) == set()


@pytest.fixture
def world(secretariat, ccas_beaune):
    """One of each object, on a case of Dijon handed to nobody but an association (so that neither
    the CCAS de Dijon, the CCAS de Beaune nor the CAF sees it), on a session the CAF does not sit on."""
    acting(secretariat)
    association = OrganisationFactory(
        code="asso", name="Association Logement", kind=Organisation.Kind.ASSOCIATION
    )
    case = procedure_at(Stage.PAYMENT_ORDER, on=timezone.localdate() - datetime.timedelta(days=3))
    worker = acting(member(role=Role.SOCIAL_WORKER, organisation=association, email="ts@asso.example"))
    referral = referrals.request_referral(
        procedure=case, kind=Referral.Kind.DSF, addressed_to=association, user=secretariat
    )
    referral = referrals.accept(referral=referral, user=worker)
    attachment = referrals.add_attachment(
        referral=referral, user=worker, uploaded=SimpleUploadedFile("piece.pdf", PDF, "application/pdf")
    )
    referrals.save_diagnosis(referral=referral, user=worker, data=DIAGNOSIS, submit=False)
    session = SessionFactory(
        commission=CommissionFactory(mediation=True),
        date=timezone.localdate(),
        status=Session.Status.PUBLISHED,
    )
    item = AgendaItemFactory(session=session, procedure=case)
    commissions.record_decision(item=item, user=secretariat, attendance="present", opinion="Maintien")
    recommendation = commissions.add_recommendation(
        item=item, user=secretariat, kind="fsl", responsible=association, due_date=datetime.date(2030, 1, 1)
    )
    entry = commissions.enter_pool(
        procedure=case, user=secretariat, quota=RehousingPoolEntry.Quota.PREFECTORAL
    )
    landlord = OrganisationFactory(code="orvitis", name="Orvitis", kind=Organisation.Kind.SOCIAL_LANDLORD)
    offer = commissions.add_offer(
        entry=entry, user=secretariat, landlord=landlord, offered_on=timezone.localdate()
    )
    payment_order_on(datetime.date(2026, 11, 12))
    OrganisationFactory(caf=True, code="caf-autre", email="listes@caf.example.org")
    (weekly,) = delivery.build_week(week_start=datetime.date(2026, 11, 9), kinds=[ListKind.CAF])
    act_document = ActDocument.objects.create(
        batch=ReadingBatch.objects.create(created_by=secretariat),
        file=SimpleUploadedFile("acte.pdf", PDF, "application/pdf"),
        name="acte.pdf",
        sha256="0" * 64,
        status=ActDocument.Status.READ,
        procedure=case,
    )
    api_token, _ = directory_services.create_api_token(
        organisation=OrganisationFactory(code="siao-21", name="SIAO 21", kind=Organisation.Kind.SIAO),
        name="serveur du SIAO",
        scopes=["liste_siao"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        user=secretariat,
    )
    member_of_session = member(
        role=Role.COMMISSION_MEMBER, organisation=association, email="membre@commission.example"
    )
    CommissionMember.objects.create(
        commission=session.commission, organisation=association, user=member_of_session
    )
    feed_url = calendar.new_feed(member_of_session)
    calendar.revoke_feed(member_of_session)
    background_export = BackgroundExport(
        user=secretariat,
        membership=secretariat.memberships.get(),
        kind="procedures",
        filename="procedures.xlsx",
        status=BackgroundExport.Status.READY,
        rows=1,
    )
    background_export.file.save("procedures.xlsx", ContentFile(b"PK"), save=True)
    return {
        "background_export": background_export,
        "act_document": act_document,
        "addressee": worker,
        "event": ProcedureEvent.objects.filter(procedure=case).first(),
        "saved_view": SavedView.objects.create(
            owner=secretariat, screen=Screen.PROCEDURES, name="Mes dossiers", query="etape=commandement"
        ),
        "notification": Notification.objects.create(
            user=secretariat, kind="saisine", title="Nouvelle saisine", url="/", dedup_key="walk"
        ),
        "revoked_feed_token": feed_url.rsplit("/", 1)[1].removesuffix(".ics"),
        "api_token": api_token,
        "case": case,
        # to a third département: neither 21's partners nor 71's secretariat read it
        "transfer": CaseTransfer.objects.create(
            procedure=case,
            from_departement="21",
            to_departement="58",
            reason="Déménagement",
            requested_by=secretariat,
        ),
        "task": Task.objects.filter(procedure=case).first(),
        "referral": referral,
        "attachment": attachment,
        "measure": SupportMeasure.objects.create(
            procedure=case, kind=SupportMeasure.Kind.choices[0][0], proposed_on=timezone.localdate()
        ),
        "letter": letters.generate(procedure=case, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD),
        "batch": letters.start_batch(week_start=datetime.date(2026, 11, 9), user=secretariat),
        "weekly": weekly,
        "review": ReviewRequestFactory(procedure=case, commission=session.commission),
        "session": session,
        "item": item,
        "recommendation": recommendation,
        "pool_entry": entry,
        "offer": offer,
    }


NOT_REACHED = (403, 404, 405)
NOT_REACHED_API = (401,)  # no token: a session is no credential for the API
PERSONAS = ["social_worker", "other_social_worker", "commission_member", "partner"]


@pytest.fixture
def partner(db):
    landlord = OrganisationFactory(
        code="bailleur-x", name="Bailleur X", kind=Organisation.Kind.SOCIAL_LANDLORD
    )
    return member(role=Role.PARTNER, organisation=landlord, email="partenaire@bailleur.example")


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_but_the_secretariat_reaches_any_object(request, world, persona, caf, commission_member):
    CommissionMember.objects.create(commission=CommissionFactory(), organisation=caf, user=commission_member)
    client = client_for(request.getfixturevalue(persona))
    AccessLog.objects.all().delete()
    reached = []
    for name, kwargs in KWARGS.items():
        url = reverse(name, kwargs=kwargs(world))
        for method in (client.get, client.post):
            status = method(url).status_code
            if status not in (NOT_REACHED_API if name.startswith("api:") else NOT_REACHED):
                reached.append((method.__name__, name, status))
    assert reached == []
    assert not AccessLog.objects.exists()
    assert not ActDocumentAccess.objects.exists()
    assert ApiToken.objects.get(pk=world["api_token"].pk).revoked_at is None


def test_the_secretariat_opens_the_pages_of_the_world(secretariat_client, world):
    pages = ["procedure:detail", "referrals:detail", "commissions:item", "commissions:pool_entry"]
    files = ["procedure:reading_pdf", "procedure:background_export_download"]
    for name in pages + [
        "procedure:reading_batch",
        "procedure:reading_check",
        "procedure:background_export",
        *files,
    ]:
        response = secretariat_client.get(reverse(name, kwargs=KWARGS[name](world)))
        _close(response)  # the PDF is a file response
        assert response.status_code == 200


def _close(response):
    """Close a response's file as the test client does: without request_finished closing the
    database connection (PostgreSQL's would be gone for the rest of the test)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_a_member_of_the_session_reads_its_agenda_and_summary_and_nothing_else(world, caf, commission_member):
    """Code pénal 226-13: the member reads what the agenda needs (its case summary), not the file,
    its letters, its referral or its attachments."""
    CommissionMember.objects.create(
        commission=world["session"].commission, organisation=caf, user=commission_member
    )
    client = client_for(commission_member)
    allowed = {"commissions:member_session", "commissions:member_agenda_pdf", "commissions:case_summary"}
    reached = []
    for name, kwargs in KWARGS.items():
        url = reverse(name, kwargs=kwargs(world))
        status = client.get(url).status_code
        if (status == 200) != (name in allowed):
            reached.append((name, status))
    assert reached == []


def test_the_addressee_of_a_recommendation_opens_it_and_nothing_of_the_commission(world):
    """The organisation named on a préconisation answers it (Charte II.A, follow-up of the cases);
    the commission's pages stay closed to it."""
    client = client_for(world["addressee"])
    url = reverse(
        "commissions:answer_recommendation", kwargs=KWARGS["commissions:answer_recommendation"](world)
    )
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(user=world["addressee"], context="préconisation").exists()
    for name in ("commissions:item", "commissions:session", "commissions:close_recommendation"):
        assert client.get(reverse(name, kwargs=KWARGS[name](world))).status_code in NOT_REACHED


def _body(response):
    """The text a page or a file carries (a PDF's bytes as they are: a name in a PDF is compressed,
    so a PDF counts as personal by its kind, see below)."""
    if response.streaming:
        content = b"".join(response.streaming_content)
        _close(response)
        return content
    return response.content


# Files of an id that hold no household's data: the annual report's PDF (aggregated figures).
AGGREGATED_FILES = {"indicators:report"}


def test_every_page_of_a_household_the_secretariat_opens_writes_an_access_log_row(secretariat, world):
    """law.md, "Data protection": every read of a household's data is logged. Every GET of the walk
    that answers with the household's name (a page, a JSON status) or with a file (PDF, XLSX, CSV:
    letters, lists, attachments, acts; a PDF's text is compressed, so a file counts by its kind)
    writes at least one access-log row."""
    client = client_for(secretariat)
    name = world["case"].household.label.encode()
    unlogged = []
    for url_name, kwargs in sorted(KWARGS.items()):
        if url_name.startswith("api:") or url_name in AGGREGATED_FILES:
            continue
        before = AccessLog.objects.count() + ActDocumentAccess.objects.count()
        response = client.get(reverse(url_name, kwargs=kwargs(world)))
        if response.status_code != 200:
            continue
        body = _body(response)
        content_type = response.get("Content-Type", "")
        is_file = not content_type.startswith(("text/html", "application/json"))
        if (
            name in body or is_file
        ) and before == AccessLog.objects.count() + ActDocumentAccess.objects.count():
            unlogged.append(url_name)
    assert unlogged == [], " ".join(unlogged)
