"""The commissions' pages: the secretariat's (formations, saisines, sessions, decisions, follow-up),
the partners' saisine form, and the members' space (their agendas and the cases' summaries).

A page of the secretariat is a 403 for any other role; an object the user may not see is a 404.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from directory.acting import require_secretariat
from directory.french import counted
from directory.models import Role
from procedure import rules
from procedure import services as procedure_services
from procedure.models import Procedure

from . import follow_up, notices, scope, services
from .forms import (
    AddItemForm,
    AttachReviewForm,
    CloseRecommendationForm,
    DecisionForm,
    EnterPoolForm,
    OfferAnswerForm,
    OfferForm,
    PartnerReviewForm,
    PlanSessionsForm,
    PoolEntryForm,
    PresenterForm,
    RecommendationForm,
    RefuseReviewForm,
    ReviewRequestForm,
    SessionForm,
    WithdrawReviewForm,
)
from .models import (
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)


def secretariat_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        require_secretariat(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


# ---------------------------------------------------------------- formations


@secretariat_only
def index(request):
    today = timezone.localdate()
    commissions = (
        scope.commissions(request.user)
        .select_related("territory", "merged_into")
        .annotate(
            next_session=Min("sessions__date", filter=Q(sessions__date__gte=today)),
            pending=Count(
                "review_requests",
                filter=Q(review_requests__status=ReviewRequest.Status.PENDING),
                distinct=True,
            ),
        )
    )
    return render(request, "commissions/index.html", {"title": "Commissions", "commissions": commissions})


@secretariat_only
def commission_detail(request, pk):
    commission = get_object_or_404(scope.commissions(request.user).select_related("territory"), pk=pk)
    sessions = services.sessions_with_counts(commission.sessions.all()).order_by("-date")
    members = commission.members.select_related("organisation", "user")
    return render(
        request,
        "commissions/commission.html",
        {
            "title": commission.name,
            "commission": commission,
            "sessions": sessions,
            "members": members,
            "chairs": commission.co_chairs.all(),
            "plan_form": PlanSessionsForm(),
        },
    )


@require_POST
@secretariat_only
def plan(request, pk):
    commission = get_object_or_404(scope.commissions(request.user), pk=pk)
    form = PlanSessionsForm(request.POST)
    if form.is_valid():
        try:
            planned = services.plan_sessions(commission=commission, until=form.cleaned_data["until"])
            messages.success(request, f"{counted(len(planned), 'séance prévue')}.")
        except services.CommissionRefused as error:
            _refused(request, error)
    else:
        messages.error(request, "Indiquez une date valide.")
    return redirect("commissions:commission", pk=commission.pk)


# ---------------------------------------------------------------- saisines


@secretariat_only
def queue(request):
    reviews = list(services.pending_queue(user=request.user))
    coming = services.coming_sessions({review.commission_id for review in reviews if review.commission_id})
    for review in reviews:
        review.coming_sessions = coming.get(review.commission_id, [])
    return render(
        request, "commissions/queue.html", {"title": "Dossiers en attente d'examen", "reviews": reviews}
    )


@require_POST
@secretariat_only
def suggest(request):
    created = services.suggest_review_requests(departements=request.acting.departements)
    messages.success(request, f"{counted(len(created), 'saisine proposée')} d'après les règles de la Charte.")
    return redirect("commissions:queue")


@secretariat_only
def withdraw(request, pk):
    """The secretariat withdraws a saisine waiting in the queue, with its reason: the partner who
    sent it reads « Retirée » and why."""
    review = get_object_or_404(
        scope.reviews(request.user).select_related(
            "commission",
            "commune",
            "requesting_organisation",
            "procedure__household",
            "procedure__lease__commune",
        ),
        pk=pk,
    )
    if review.status != ReviewRequest.Status.PENDING:
        messages.error(request, "Seule une saisine en attente peut être retirée.")
        return redirect("commissions:queue")
    form = WithdrawReviewForm(request.POST or None, partner_sent=bool(review.requesting_organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_review(review=review, user=request.user, reason=form.cleaned_data["reason"])
            told = " : le partenaire en verra le motif" if review.requesting_organisation_id else ""
            messages.success(request, f"Saisine retirée{told}.")
            return redirect("commissions:queue")
        except services.CommissionRefused as error:
            form.add_error(None, error)
    procedure_services.log_access(
        user=request.user, procedure=review.procedure, context="retrait d'une saisine", review=review.pk
    )
    context = {"title": "Retirer la saisine", "review": review, "form": form}
    return render(request, "commissions/withdraw_review.html", context)


def request_review(request, procedure_pk):
    """The secretariat, or a partner working on the case, refers it to a commission."""
    procedure = get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related("household"), pk=procedure_pk
    )
    if request.acting.role not in services.SEES_ALL + services.REFERRING_ROLES:
        raise PermissionDenied("Votre rôle ne permet pas de saisir une commission.")
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_review(procedure=procedure, user=request.user, **form.cleaned_data)
            messages.success(request, "La commission est saisie : le dossier attend son examen.")
            return redirect("procedure:detail", pk=procedure.pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    procedure_services.log_access(user=request.user, procedure=procedure, context="saisine")
    return render(
        request,
        "commissions/request_form.html",
        {"title": "Saisir une commission", "form": form, "procedure": procedure},
    )


def partner_review(request):
    """A partner's space for referring a household to the CCAPEX, and its organisation's saisines.
    The answer never depends on whether a procedure bears the reference typed."""
    if request.acting.role not in services.REFERRING_ROLES:
        raise PermissionDenied("Votre rôle ne permet pas de saisir la CCAPEX.")
    form = PartnerReviewForm(
        request.POST or None, departement_code=request.acting.organisation.departement_code
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_partner_review(user=request.user, **form.cleaned_data)
            messages.success(request, "Votre saisine est transmise au secrétariat de la CCAPEX.")
            return redirect("commissions:partner_review")
        except services.CommissionRefused as error:
            form.add_error(None, error)
    reviews = services.organisation_reviews(request.acting.organisation)
    return render(
        request,
        "commissions/partner_review.html",
        {"title": "Saisir la CCAPEX", "form": form, "reviews": reviews},
    )


@secretariat_only
def review_detail(request, pk):
    """A partner's saisine as the partner typed it: the secretariat attaches it to a procedure
    or refuses it."""
    review = get_object_or_404(
        scope.reviews(request.user).select_related(
            "commission", "commune", "requesting_organisation", "requested_by"
        ),
        pk=pk,
    )
    refusing = request.method == "POST" and "refuse" in request.POST
    attach_form = AttachReviewForm(
        request.POST if request.method == "POST" and not refusing else None,
        initial={"reference": review.procedure_reference, "commission": review.commission_id},
    )
    refuse_form = RefuseReviewForm(request.POST if refusing else None)
    form = refuse_form if refusing else attach_form
    if request.method == "POST" and form.is_valid():
        try:
            if refusing:
                services.refuse_review(
                    review=review, user=request.user, reason=form.cleaned_data["refusal_reason"]
                )
                messages.success(request, "Saisine refusée : le partenaire en verra le motif.")
            else:
                services.attach_review(review=review, user=request.user, **form.cleaned_data)
                messages.success(request, "Saisine rattachée : le dossier attend son examen.")
            return redirect("commissions:queue")
        except services.CommissionRefused as error:
            form.add_error(None, error)
    procedure_services.log_access(
        user=request.user, procedure=review.procedure, context="examen d'une saisine", review=review.pk
    )
    return render(
        request,
        "commissions/review_detail.html",
        {
            "title": "Saisine d'un partenaire",
            "review": review,
            "attach_form": attach_form,
            "refuse_form": refuse_form,
        },
    )


# ---------------------------------------------------------------- sessions


def _session(request, pk):
    return get_object_or_404(scope.sessions(request.user).select_related("commission"), pk=pk)


def _agenda(session):
    return (
        session.items.select_related(
            "procedure__household", "procedure__lease__commune", "presenter", "review_request"
        )
        .prefetch_related("recommendations__responsible")
        .order_by("order", "pk")
    )


@secretariat_only
def session_detail(request, pk):
    return _render_session(request, _session(request, pk))


def _render_session(request, session, add_form=None, status=200):
    items = list(_agenda(session))
    _decorate_stages(items)
    follow_up.attach_previous(session, items)
    if session.is_editable:
        _attach_presenter_forms(items)
    capacity = session.commission.capacity
    member_notices = notices.of_session(session)
    procedure_services.log_access_to_each(
        user=request.user, procedures=[item.procedure for item in items], context="séance"
    )
    return render(
        request,
        "commissions/session.html",
        {
            "title": f"Séance du {session.date:%d/%m/%Y}",
            "session": session,
            "items": items,
            "add_form": add_form or (AddItemForm(session=session) if session.is_editable else None),
            "full": capacity is not None and len(items) >= capacity,
            "earlier": list(services.earlier_recommendations(session)[:100]),
            "notices": member_notices,
            "notices_failed": [notice for notice in member_notices if notice.status == "echec"],
            "today": timezone.localdate(),
        },
        status=status,
    )


def _attach_presenter_forms(items):
    """Each item's presenter form, the organisations read once for the agenda."""
    choices = list(PresenterForm().fields["presenter"].choices)
    for item in items:
        item.presenter_form = PresenterForm(
            initial={"presenter": item.presenter_id}, auto_id=f"presentateur-{item.pk}-%s"
        )
        item.presenter_form.fields["presenter"].choices = choices


def _decorate_stages(items):
    """Each item's current stage, one query for the agenda."""
    ids = [item.procedure_id for item in items]
    stages = dict(Procedure.objects.filter(pk__in=ids).values_list("pk", "current_stage"))
    for item in items:
        stage = stages.get(item.procedure_id)
        item.stage_label = rules.Stage(stage).label if stage else "Aucun acte"


@secretariat_only
def session_edit(request, pk):
    session = _session(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                session=Session.objects.get(pk=pk), user=request.user, **form.cleaned_data
            )
            messages.success(request, "Séance modifiée.")
            return redirect("commissions:session", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return render(
        request,
        "commissions/session_form.html",
        {"title": "Modifier la séance", "form": form, "session": session},
    )


@require_POST
@secretariat_only
def add_item(request, pk):
    """Put a case on the agenda; a refusal (capacity, a case outside the formation's criteria)
    shows on the session page with the choice and the reason typed kept."""
    session = _session(request, pk)
    form = AddItemForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_to_agenda(
                session=session,
                review=data["review"],
                user=request.user,
                presenter=data["presenter"],
                household_invited=data.get("household_invited", False),
                override_reason=data["override_reason"],
            )
            messages.success(request, "Dossier inscrit à l'ordre du jour.")
            return redirect("commissions:session", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return _render_session(request, session, add_form=form, status=400)


@require_POST
@secretariat_only
def remove_item(request, pk):
    item = get_object_or_404(scope.items(request.user).select_related("session"), pk=pk)
    try:
        services.remove_from_agenda(item=item, user=request.user)
        messages.success(request, "Dossier retiré de l'ordre du jour ; il attend une autre séance.")
    except services.CommissionRefused as error:
        _refused(request, error)
    return redirect("commissions:session", pk=item.session_id)


@require_POST
@secretariat_only
def publish(request, pk):
    session = _session(request, pk)
    try:
        change = services.publish(session=session, user=request.user)
        (messages.success if change.first_time or change.changed else messages.info)(
            request, change.message()
        )
    except services.CommissionRefused as error:
        _refused(request, error)
    return redirect("commissions:session", pk=pk)


@require_POST
@secretariat_only
def close(request, pk):
    session = _session(request, pk)
    try:
        services.close_session(session=session, user=request.user)
        messages.success(request, "Séance close.")
    except services.CommissionRefused as error:
        _refused(request, error)
    return redirect("commissions:session", pk=pk)


@require_POST
@secretariat_only
def move_item(request, pk, direction):
    item = get_object_or_404(scope.items(request.user).select_related("session"), pk=pk)
    try:
        services.move_item(item=item, user=request.user, direction=direction)
    except services.CommissionRefused as error:
        _refused(request, error)
    return redirect(f"{reverse('commissions:session', args=[item.session_id])}#point-{item.pk}")


@require_POST
@secretariat_only
def set_presenter(request, pk):
    item = get_object_or_404(scope.items(request.user).select_related("session"), pk=pk)
    form = PresenterForm(request.POST)
    if form.is_valid():
        try:
            services.set_presenter(item=item, user=request.user, presenter=form.cleaned_data["presenter"])
            messages.success(request, "Présentateur enregistré.")
        except services.CommissionRefused as error:
            _refused(request, error)
    else:
        messages.error(request, "Choisissez un organisme.")
    return redirect(f"{reverse('commissions:session', args=[item.session_id])}#point-{item.pk}")


@require_POST
@secretariat_only
def opinion_letters(request, pk):
    session = _session(request, pk)
    try:
        services.queue_opinion_letters(session=session, user=request.user)
        messages.success(
            request,
            "Courriers d'avis et de recommandations en préparation : ils seront sur chaque dossier "
            "(au ménage, copie aux services sociaux).",
        )
    except services.CommissionRefused as error:
        _refused(request, error)
    return redirect("commissions:session", pk=pk)


@secretariat_only
def decision_record(request, pk):
    session = _session(request, pk)
    try:
        pdf = services.decision_record_pdf(session)
    except services.CommissionRefused as error:
        _refused(request, error)
        return redirect("commissions:session", pk=pk)
    procedure_services.log_access(user=request.user, context="relevé de décisions", session=session.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="releve-decisions-{session.date:%Y-%m-%d}.pdf"'
    return response


# ---------------------------------------------------------------- decisions and follow-up


def _item(request, pk):
    return get_object_or_404(
        scope.items(request.user).select_related(
            "session__commission", "procedure__household", "procedure__lease__commune"
        ),
        pk=pk,
    )


@secretariat_only
def item_detail(request, pk):
    item = _item(request, pk)
    form = DecisionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, "Avis enregistré.")
            return redirect("commissions:item", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return _render_item(request, item, form, RecommendationForm())


def _render_item(request, item, decision_form, recommendation_form, status=200):
    procedure_services.log_access(
        user=request.user, procedure=item.procedure, context="point d'ordre du jour"
    )
    return render(
        request,
        "commissions/item.html",
        {
            "title": f"{item.procedure.household.label} — avis de la commission",
            "item": item,
            "form": decision_form,
            "recommendation_form": recommendation_form,
            "recommendations": _with_close_forms(
                item.recommendations.select_related("responsible", "referral", "rehousing_entry")
            ),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _with_close_forms(recommendations):
    recommendations = list(recommendations)
    for recommendation in recommendations:
        recommendation.close_form = CloseRecommendationForm(auto_id=f"suivi-{recommendation.pk}-%s")
    return recommendations


@require_POST
@secretariat_only
def add_recommendation(request, pk):
    item = _item(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.add_recommendation(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, "Préconisation enregistrée.")
            return redirect("commissions:item", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return _render_item(request, item, DecisionForm(instance=item), form, status=400)


@require_POST
@secretariat_only
def close_recommendation(request, pk):
    recommendation = get_object_or_404(scope.recommendations(request.user), pk=pk)
    form = CloseRecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.close_recommendation(
                recommendation=recommendation, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Suivi de la préconisation enregistré.")
        except services.CommissionRefused as error:
            _refused(request, error)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("commissions:item", pk=recommendation.agenda_item_id)


# ---------------------------------------------------------------- the members' space


def _member_sessions(request):
    if request.acting.role != Role.COMMISSION_MEMBER:
        raise PermissionDenied("Réservé aux membres des commissions.")
    return Session.objects.open_to_members().sat_on_by(request.user, request.acting.organisation)


def member_sessions(request):
    """The agendas of the member's commissions, from publication until COMMISSION_ACCESS_DAYS after."""
    sessions = services.sessions_with_counts(_member_sessions(request).select_related("commission")).order_by(
        "date"
    )
    return render(request, "commissions/member_sessions.html", {"title": "Mes séances", "sessions": sessions})


def member_session(request, pk):
    session = get_object_or_404(_member_sessions(request).select_related("commission"), pk=pk)
    items = list(
        session.items.select_related("procedure__household", "procedure__lease__commune").order_by("order")
    )
    _decorate_stages(items)
    return render(
        request,
        "commissions/member_session.html",
        {"title": f"{session.commission} — {session.date:%d/%m/%Y}", "session": session, "items": items},
    )


def case_summary(request, session_pk, pk):
    """What a member needs to examine a case, and nothing else (Code pénal 226-13); every read is
    in the access log."""
    session = get_object_or_404(_member_sessions(request).select_related("commission"), pk=session_pk)
    item = get_object_or_404(session.items.select_related("procedure__household"), pk=pk)
    procedure = get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related("household", "lease__commune", "landlord"),
        pk=item.procedure_id,
    )
    procedure_services.log_access(user=request.user, procedure=procedure, context="commission")
    return render(request, "commissions/case_summary.html", services.case_summary(session, item, procedure))


# ---------------------------------------------------------------- the rehousing pool


@secretariat_only
def pool(request):
    """The households of the pool, with their time in it against the 3-to-6-month target."""
    include_closed = request.GET.get("tous") == "1"
    entries = services.pool_entries(include_closed=include_closed, user=request.user)
    return render(
        request,
        "commissions/pool.html",
        {
            "title": "Vivier de relogement",
            "entries": entries,
            "include_closed": include_closed,
            "dalo_message": services.DALO_MESSAGE,
        },
    )


def _pool_entry(request, pk):
    return get_object_or_404(
        scope.pool_entries(request.user).select_related(
            "procedure__household", "procedure__lease__commune", "lead_landlord", "recommendation"
        ),
        pk=pk,
    )


@secretariat_only
def pool_entry(request, pk):
    entry = _pool_entry(request, pk)
    form = PoolEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pool_entry(
                entry=RehousingPoolEntry.objects.get(pk=pk), user=request.user, data=form.cleaned_data
            )
            messages.success(request, "Inscription au vivier enregistrée.")
            return redirect("commissions:pool_entry", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return _render_pool_entry(request, entry, form, OfferForm())


def _render_pool_entry(request, entry, form, offer_form, status=200):
    entry.refresh_from_db()
    procedure_services.log_access(user=request.user, procedure=entry.procedure, context="vivier")
    offers = list(entry.offers.select_related("landlord"))
    for offer in offers:
        offer.answer_form = OfferAnswerForm(auto_id=f"reponse-{offer.pk}-%s")
    return render(
        request,
        "commissions/pool_entry.html",
        {
            "title": f"{entry.procedure.household.label} — vivier de relogement",
            "entry": entry,
            "pool": services.pool_status(entry),
            "missing": entry.missing_report_elements(),
            "form": form,
            "offer_form": offer_form,
            "offers": offers,
            "dalo_message": services.DALO_MESSAGE,
        },
        status=status,
    )


@require_POST
@secretariat_only
def add_offer(request, pk):
    entry = _pool_entry(request, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.add_offer(entry=entry, user=request.user, **form.cleaned_data)
            messages.success(request, "Proposition de logement enregistrée.")
            return redirect("commissions:pool_entry", pk=pk)
        except services.CommissionRefused as error:
            form.add_error(None, error)
    return _render_pool_entry(request, entry, PoolEntryForm(instance=entry), form, status=400)


@require_POST
@secretariat_only
def answer_offer(request, pk):
    offer = get_object_or_404(scope.offers(request.user), pk=pk)
    form = OfferAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_offer(offer=offer, user=request.user, **form.cleaned_data)
            messages.success(request, "Réponse à la proposition enregistrée.")
        except services.CommissionRefused as error:
            _refused(request, error)
    else:
        messages.error(request, "Choisissez une réponse.")
    return redirect("commissions:pool_entry", pk=offer.entry_id)


@secretariat_only
def enter_pool(request, procedure_pk):
    """The secretariat puts a household in the pool (Charte annexe 2)."""
    procedure = get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related("household"), pk=procedure_pk
    )
    form = EnterPoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = services.enter_pool(procedure=procedure, user=request.user, quota=form.cleaned_data["quota"])
        messages.success(request, "Ménage inscrit au vivier de relogement.")
        return redirect("commissions:pool_entry", pk=entry.pk)
    procedure_services.log_access(user=request.user, procedure=procedure, context="vivier")
    return render(
        request,
        "commissions/enter_pool.html",
        {"title": "Inscrire au vivier de relogement", "form": form, "procedure": procedure},
    )
