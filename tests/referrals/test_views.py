"""Every referral view with every persona: the CCAS de Dijon works on its referrals, the CCAS de
Beaune and the CAF get 404s, the secretariat sees all but files nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedure.models import AccessLog
from referrals import services
from referrals.models import Attachment, Referral

from .factories import DIAGNOSIS, acting, case_in, referral

K, S = Referral.Kind, Referral.Status


@pytest.fixture
def dsf(departement, secretariat, social_worker):
    return referral(
        procedure=case_in("21231"), secretariat=secretariat, worker=social_worker, status=S.ACCEPTED
    )


DETAIL_VIEWS = ["referrals:detail", "referrals:diagnosis"]


@pytest.mark.parametrize("client_name", ["other_social_worker_client", "commission_member_client"])
@pytest.mark.parametrize("view", [*DETAIL_VIEWS, "referrals:diagnosis_pdf", "referrals:accept"])
def test_other_organisations_get_404(request, dsf, client_name, view):
    client = request.getfixturevalue(client_name)
    method = client.post if view == "referrals:accept" else client.get
    assert method(reverse(view, args=[dsf.pk])).status_code == 404


def test_social_worker_reads_the_referral_and_it_is_logged(dsf, social_worker_client, social_worker):
    response = social_worker_client.get(reverse("referrals:detail", args=[dsf.pk]))
    assert response.status_code == 200
    assert dsf.procedure.household.label in response.content.decode()
    assert AccessLog.objects.filter(
        user=social_worker, procedure=dsf.procedure, context="orientation"
    ).exists()


def test_secretariat_may_not_write_the_diagnosis(dsf, secretariat_client):
    assert secretariat_client.get(reverse("referrals:detail", args=[dsf.pk])).status_code == 200
    assert secretariat_client.get(reverse("referrals:diagnosis", args=[dsf.pk])).status_code == 403
    assert secretariat_client.post(reverse("referrals:accept", args=[dsf.pk])).status_code == 403


def test_social_worker_may_not_request_a_referral(dsf, social_worker_client):
    url = reverse("referrals:request", args=[dsf.procedure_id])
    assert social_worker_client.get(url).status_code == 403


def test_commission_member_has_no_inbox(departement, commission_member_client):
    assert commission_member_client.get(reverse("referrals:inbox")).status_code == 403


def test_inbox_shows_only_the_organisations_referrals(
    departement,
    secretariat,
    social_worker,
    other_social_worker,
    social_worker_client,
    other_social_worker_client,
):
    dijon = referral(procedure=case_in("21231"), secretariat=secretariat)
    beaune = referral(procedure=case_in("21054"), secretariat=secretariat)
    assert beaune.addressed_to.code == "ccas-beaune"
    assert list(social_worker_client.get(reverse("referrals:inbox")).context["referrals"]) == [dijon]
    assert list(other_social_worker_client.get(reverse("referrals:inbox")).context["referrals"]) == [beaune]


def test_inbox_filters_overdue(departement, secretariat, social_worker_client):
    late = referral(procedure=case_in("21231"), secretariat=secretariat)
    Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    referral(procedure=case_in("21231"), secretariat=secretariat)
    response = social_worker_client.get(reverse("referrals:inbox"), {"due": "retard"})
    assert [r.pk for r in response.context["referrals"]] == [late.pk]
    assert "En retard" in response.content.decode()


def test_inbox_query_count_stays_flat(
    departement, secretariat, social_worker_client, django_assert_num_queries
):
    referral(procedure=case_in("21231"), secretariat=secretariat)
    social_worker_client.get(
        reverse("referrals:inbox")
    )  # the session's first request resolves the membership
    with CaptureQueriesContext(connection) as first:
        social_worker_client.get(reverse("referrals:inbox"))
    for _ in range(3):
        referral(procedure=case_in("21231"), secretariat=secretariat)
    with django_assert_num_queries(len(first.captured_queries)):
        response = social_worker_client.get(reverse("referrals:inbox"))
    assert len(response.context["referrals"]) == 4


def test_refusal_needs_a_reason(dsf, secretariat, social_worker_client):
    fresh = referral(procedure=case_in("21231"), secretariat=secretariat)
    assert (
        social_worker_client.post(reverse("referrals:refuse", args=[fresh.pk]), {"reason": ""}).status_code
        == 400
    )
    social_worker_client.post(reverse("referrals:refuse", args=[fresh.pk]), {"reason": "Hors secteur"})
    fresh.refresh_from_db()
    assert fresh.status == S.REFUSED and fresh.refusal_reason == "Hors secteur"
    assert list(fresh.transitions.values_list("from_status", "to_status")) == [
        ("", S.REQUESTED),
        (S.REQUESTED, S.REFUSED),
    ]


def test_unreachable_after_a_contact_attempt_completes_the_task(dsf, social_worker_client):
    assert dsf.task is None
    social_worker_client.post(
        reverse("referrals:log_contact", args=[dsf.pk]),
        {"date": "2024-01-05", "means": "telephone", "result": "sans_reponse"},
    )
    social_worker_client.post(reverse("referrals:unreachable", args=[dsf.pk]), {"note": "Carence"})
    dsf.refresh_from_db()
    assert dsf.status == S.UNREACHABLE and dsf.closed_at is not None


def test_other_ccas_never_reads_the_diagnosis_unless_shared(
    departement, secretariat, social_worker, other_social_worker
):
    done = referral(procedure=case_in("21231"), secretariat=secretariat, worker=social_worker, status=S.DONE)
    later = referral(
        procedure=done.procedure,
        secretariat=secretariat,
        kind=K.DSF_UPDATE,
        addressed_to=other_social_worker.memberships.get().organisation,
    )
    assert later.addressed_to.code == "ccas-beaune"
    from tests.conftest import client_for

    client = client_for(other_social_worker)
    assert client.get(reverse("referrals:detail", args=[done.pk])).status_code == 404
    assert client.get(reverse("procedure:detail", args=[done.procedure_id])).status_code == 200
    assert services.may_read_diagnosis(acting(other_social_worker), done) is False


def test_upload_accepts_a_pdf_by_content_and_refuses_a_renamed_file(
    dsf, social_worker_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("referrals:upload", args=[dsf.pk])
    social_worker_client.post(url, {"file": SimpleUploadedFile("avis.pdf", b"%PDF-1.7\n...")})
    social_worker_client.post(url, {"file": SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 not a pdf")})
    assert list(Attachment.objects.values_list("name", "content_type")) == [("avis.pdf", "application/pdf")]
    attachment = Attachment.objects.get()
    response = social_worker_client.get(reverse("referrals:download", args=[dsf.pk, attachment.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_one_open_referral_per_procedure_and_kind(dsf, secretariat):
    with pytest.raises(services.ReferralRefused):
        referral(procedure=dsf.procedure, secretariat=secretariat)
    with pytest.raises(IntegrityError):
        Referral.objects.create(procedure=dsf.procedure, kind=K.DSF, addressed_to=dsf.addressed_to)


def test_a_closed_referral_lets_a_new_one_open(dsf, secretariat, social_worker):
    services.cancel(referral=dsf, user=secretariat, reason="Erreur")
    assert referral(procedure=dsf.procedure, secretariat=secretariat).status == S.REQUESTED


def test_ccapex_diagnosis_names_its_funding(departement, secretariat, social_worker):
    procedure = case_in("21231")
    ccas = social_worker.memberships.get().organisation
    with pytest.raises(services.ReferralRefused):
        referral(procedure=procedure, secretariat=secretariat, kind=K.CCAPEX_DIAGNOSIS, addressed_to=ccas)
    made = referral(
        procedure=procedure,
        secretariat=secretariat,
        kind=K.CCAPEX_DIAGNOSIS,
        addressed_to=ccas,
        funding_source=Referral.FundingSource.LANDLORD,
    )
    assert made.funding_source == "bailleur"


def test_work_queue_lists_overdue_referrals(departement, secretariat, secretariat_client):
    late = referral(procedure=case_in("21231"), secretariat=secretariat)
    Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    page = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
    assert 'data-testid="overdue-referral"' in page and reverse("referrals:detail", args=[late.pk]) in page


def test_diagnosis_submit_requires_the_main_headings(dsf, social_worker_client):
    response = social_worker_client.post(reverse("referrals:diagnosis", args=[dsf.pk]), {"submit": "1"})
    assert response.status_code == 400
    dsf.refresh_from_db()
    assert dsf.status == S.ACCEPTED
    response = social_worker_client.post(
        reverse("referrals:diagnosis", args=[dsf.pk]), {**DIAGNOSIS, "submit": "1"}
    )
    assert response.url == reverse("referrals:diagnosis_confirm", args=[dsf.pk])


def test_anticipation_visit_report_closes_the_referral(departement, secretariat):
    from directory.models import Role
    from tests.conftest import client_for
    from tests.factories import member

    procedure = case_in("21231")
    visit = referral(procedure=procedure, secretariat=secretariat, kind=K.ANTICIPATION_VISIT)
    assert visit.addressed_to.code == "adefo"
    worker = member(role=Role.SOCIAL_WORKER, organisation=visit.addressed_to)
    client = client_for(worker)
    client.post(reverse("referrals:accept", args=[visit.pk]))
    client.post(
        reverse("referrals:visit_report", args=[visit.pk]),
        {"situation": "Rencontré", "outlook": "maintien", "recommendations": "ASLL"},
    )
    visit.refresh_from_db()
    assert visit.status == S.DONE and visit.visit_report.outlook == "maintien"
    assert list(client.get(reverse("referrals:inbox"), {"status": "faite"}).context["referrals"]) == [visit]


def test_social_workers_home_counts_the_open_and_late_requests(
    departement, secretariat, social_worker_client, other_social_worker_client, secretariat_client
):
    late = referral(procedure=case_in("21231"), secretariat=secretariat)
    Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    referral(procedure=case_in("21231"), secretariat=secretariat)
    page = social_worker_client.get("/").content.decode()
    assert "<strong>2</strong> demandes à traiter, dont <strong>1</strong> en retard" in page
    assert f'href="{reverse("referrals:inbox")}"' in page and "?due=retard" in page
    assert "Aucune demande à traiter." in other_social_worker_client.get("/").content.decode()
    assert 'data-testid="home-referrals"' not in secretariat_client.get("/").content.decode()


def test_the_case_panel_sends_the_dsf_in_one_click_to_the_routed_organisation(
    departement, secretariat, secretariat_client
):
    from procedure.models import Stage, Task
    from procedure.rules import Action

    procedure = case_in("21231", stage=Stage.SUMMONS)
    task = Task.objects.get(procedure=procedure, kind=Action.REQUEST_DSF)
    page = secretariat_client.get(reverse("procedure:detail", args=[procedure.pk]))
    assert 'data-testid="suggested-organisation">CCAS de Dijon<' in page.content.decode()
    (item,) = page.context["panel"]["requestable_tasks"]
    response = secretariat_client.post(
        reverse("referrals:request", args=[procedure.pk]),
        {
            "kind": item["kind"],
            "addressed_to": item["organisation"].pk,
            "due_date": item["due_date"].isoformat(),
            "task": task.pk,
        },
    )
    assert response.status_code == 302
    made = Referral.objects.get(procedure=procedure)
    assert (made.addressed_to.code, made.task, made.due_date) == ("ccas-dijon", task, item["due_date"])


def test_access_ends_referral_access_days_after_closure(dsf, social_worker, social_worker_client, settings):
    worker = acting(social_worker)
    services.log_contact(
        referral=dsf, user=worker, date=timezone.localdate(), means="telephone", result="sans_reponse"
    )
    services.mark_unreachable(referral=dsf, user=worker, note="Trois appels sans réponse")
    Referral.objects.filter(pk=dsf.pk).update(closed_at=timezone.now() - datetime.timedelta(days=20))
    url = reverse("procedure:detail", args=[dsf.procedure_id])
    assert social_worker_client.get(url).status_code == 200
    settings.REFERRAL_ACCESS_DAYS = 10
    assert social_worker_client.get(url).status_code == 404
    assert social_worker_client.get(reverse("referrals:detail", args=[dsf.pk])).status_code == 404


def test_attachment_size_limit_comes_from_the_settings(dsf, social_worker_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 20
    url = reverse("referrals:upload", args=[dsf.pk])
    social_worker_client.post(url, {"file": SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"x" * 30)})
    assert not Attachment.objects.exists()
    social_worker_client.post(url, {"file": SimpleUploadedFile("petit.pdf", b"%PDF-1.7\nxx")})
    assert Attachment.objects.get().name == "petit.pdf"


def test_decret_2021_8_the_social_worker_reads_the_interview_deadline_of_a_dsf(
    departement, secretariat, social_worker, social_worker_client
):
    # Requested on Monday 4 May 2026: 15 working days, without 8 May, Ascension (14 May) and Whit
    # Monday (25 May), end on Thursday 28 May 2026.
    requested_at = timezone.make_aware(datetime.datetime(2026, 5, 4, 10))
    made = referral(
        procedure=case_in("21231"), secretariat=secretariat, worker=social_worker, status=S.ACCEPTED
    )
    Referral.objects.filter(pk=made.pk).update(requested_at=requested_at)

    page = social_worker_client.get(reverse("referrals:detail", args=[made.pk])).content.decode()

    assert "au ménage au plus tard le 28/05/2026 (décret 2021-8" in page
    assert 'href="/regles/#regle-entretien_dsf"' in page


def test_the_case_page_queries_do_not_grow_with_its_referrals_and_their_steps(
    departement, secretariat, secretariat_client, social_worker, django_assert_num_queries
):
    """The referrals' panel and their timeline entries share one read (procedure.extensions.once):
    one referral or three, requested or accepted, cost the same queries (issue 11)."""
    one, three = case_in("21231"), case_in("21231")
    referral(procedure=one, secretariat=secretariat, kind=K.DSF)
    referral(procedure=three, secretariat=secretariat, kind=K.DSF, worker=social_worker, status=S.ACCEPTED)
    for kind in (K.ANTICIPATION_VISIT, K.SOCIAL_WATCH):
        referral(procedure=three, secretariat=secretariat, kind=kind)
    url = reverse("procedure:detail", args=[one.pk])
    secretariat_client.get(url)  # the session and the acting organisation settle
    with CaptureQueriesContext(connection) as queries:
        secretariat_client.get(url)

    with django_assert_num_queries(len(queries)):
        response = secretariat_client.get(reverse("procedure:detail", args=[three.pk]))

    html = response.content.decode()
    assert all(str(kind.label) in html for kind in (K.DSF, K.ANTICIPATION_VISIT, K.SOCIAL_WATCH))
    assert sum('FROM "referrals_referral" ' in query["sql"] for query in queries.captured_queries) == 1


def queue_with_overdue(client, secretariat, *communes):
    """(the overdue referrals made, one per commune's case, the work queue's page, its queries)."""
    made = []
    for code in communes:
        late = referral(procedure=case_in(code), secretariat=secretariat)
        Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
        made.append(late)
    client.get(reverse("procedure:work_queue"))  # the first request settles the session
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("procedure:work_queue")).content.decode()
    return made, page, queries


def test_the_work_queue_counts_few_overdue_referrals_from_their_rows(
    departement, secretariat, secretariat_client
):
    """Fewer than the 50 shown: their number is that of the rows, no COUNT query (issue 11)."""

    (late,), page, queries = queue_with_overdue(secretariat_client, secretariat, "21231")

    assert '<span class="fr-badge fr-badge--error">1</span>' in page
    detail, case = (
        reverse("referrals:detail", args=[late.pk]),
        reverse("procedure:detail", args=[late.procedure_id]),
    )
    assert f'<td><a href="{detail}">' in page and f'<td><a href="{case}">' in page
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert not [sql for sql in counts if '"referrals_referral"' in sql]


def test_the_work_queue_s_section_reads_the_columns_its_rows_print(
    departement, secretariat, secretariat_client
):
    """Its overdue referrals with their organisation and household, not every column (issue 11)."""
    (late,), page, queries = queue_with_overdue(secretariat_client, secretariat, "21231")

    assert late.addressed_to.name in page and late.get_kind_display() in page
    read = [q["sql"] for q in queries.captured_queries if '"referrals_referral"' in q["sql"]]
    assert read and not [sql for sql in read if '"referrals_referral"."reason"' in sql]
    assert not [sql for sql in read if '"directory_organisation"."address"' in sql]


def test_the_work_queue_counts_its_overdue_referrals_on_their_own_departement(
    departement, secretariat, secretariat_client, monkeypatch
):
    """Past the rows shown, counted on the referral's copy of its case's département: no join of
    the procedures (issue 11, decision 017)."""
    from referrals import panels

    monkeypatch.setattr(panels, "SHOWN", 1)
    _, page, queries = queue_with_overdue(secretariat_client, secretariat, "21231", "21054")

    assert '<span class="fr-badge fr-badge--error">2</span>' in page
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    [count] = [sql for sql in counts if '"referrals_referral"' in sql]
    assert '"procedure_procedure"' not in count


def test_the_work_queue_reads_its_overdue_referrals_in_order_from_the_departement_s_open_referrals(
    departement, secretariat, secretariat_client
):
    """The 50 soonest overdue referrals of the secretariat's département, read in order from the open
    referrals' index that starts with it, on the referral's own département (decision 017): in a
    database holding the country, not every open referral walked to keep one département's
    (198,000 blocks, 0.9 s at 2,500,000 procedures, issue 16)."""
    from tests.procedure.test_query_plans import plan_of_sql

    if connection.vendor != "postgresql":
        pytest.skip("plans de requête vérifiés sur PostgreSQL seulement")
    _, _, queries = queue_with_overdue(secretariat_client, secretariat, "21231", "21054")

    [rows] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "referrals_referral"."id"') and "LIMIT 50" in q["sql"]
    ]
    plan = plan_of_sql(rows, "SET LOCAL enable_sort = off", "SET LOCAL enable_bitmapscan = off")
    assert "using referral_open_dep_due_idx on referrals_referral" in plan, plan
    assert "Index Cond: (((departement_code)::text = '21'::text)" in plan, plan
    assert "Sort" not in plan.replace("Sort Key", ""), plan


def test_the_work_queue_s_overdue_referral_rows_are_the_table_s_markup(
    departement, secretariat, secretariat_client
):
    """Written in Python (panels._overdue_row, issue 11): the same row as the template wrote, escaped."""
    late = referral(procedure=case_in("21231", household__label="M. & Mme <Dupont>"), secretariat=secretariat)
    Referral.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    page = secretariat_client.get(reverse("procedure:work_queue")).content.decode()

    detail, case = (
        reverse("referrals:detail", args=[late.pk]),
        reverse("procedure:detail", args=[late.procedure_id]),
    )
    assert (
        '\n      <tr data-testid="overdue-referral">\n'
        f'        <td><a href="{detail}">{late.get_kind_display()}</a></td>\n'
        f'        <td><a href="{case}">M. &amp; Mme &lt;Dupont&gt;</a></td>\n'
        f"        <td>{late.addressed_to.name}</td>\n"
        '        <td class="prevex-overdue">02/01/2020</td>\n'
        '        <td><span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--new" '
        'data-testid="referral-status">Demandée</span></td>\n'
        "      </tr>\n    \n    </tbody>"
    ) in page
