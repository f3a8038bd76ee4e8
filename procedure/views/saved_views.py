"""Saved views of the list screens (the procedures, the work queue): the current filters and sort
under a name, for oneself or shared with the whole secretariat, and a default view per user that
opens when the screen is opened bare. Also the export's columns, remembered per user."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from directory.acting import require_secretariat
from directory.field_groups import FieldGroupBoundField
from directory.forms import DsfrForm

from ..models import ListPreference, SavedView, Screen

SCREEN_URLS = {Screen.PROCEDURES: "procedure:list", Screen.WORK_QUEUE: "procedure:work_queue"}
VIEW_PARAM, NO_VIEW = "vue", "aucune"  # ?vue=aucune: the screen without its default view
NOT_FILTERS = (VIEW_PARAM, "page")


class SaveViewForm(DsfrForm):
    prefix = "vue"
    bound_field_class = FieldGroupBoundField  # on every list screen (directory/field_groups.py)

    name = forms.CharField(label="Nom de la vue", max_length=80)
    shared = forms.BooleanField(label="Partager avec tout le secrétariat", required=False)
    make_default = forms.BooleanField(label="M'ouvrir cette vue par défaut", required=False)
    screen = forms.ChoiceField(choices=Screen.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


def filters_of(query):
    """The query string of the filters and sort only (not the page, not the view's own marker)."""
    query = query.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query.urlencode()


def screen_url(screen, view=None):
    url = reverse(SCREEN_URLS[screen])
    if view is None:
        return f"{url}?{VIEW_PARAM}={NO_VIEW}"
    return f"{url}?{view.query}{'&' if view.query else ''}{VIEW_PARAM}={view.pk}"


def list_preference(request, screen):
    """The user's preference for the screen (default view, export columns), or None: read once a
    request, for the default view's redirect, the saved views block and the export's columns."""
    preferences = request.__dict__.setdefault("_list_preferences", {})
    if screen not in preferences:
        preferences[screen] = (
            ListPreference.objects.filter(user=request.user, screen=screen)
            .select_related("default_view")
            .first()
        )
    return preferences[screen]


def default_view_redirect(request, screen):
    """Opened bare (no parameter), the screen shows the user's default view, if any and still theirs."""
    if request.GET or not request.acting.is_secretariat:
        return None
    preference = list_preference(request, screen)
    view = preference.default_view if preference else None
    if view is None or not (view.shared or view.owner_id == request.user.pk):
        return None
    return redirect(screen_url(screen, view))


def saved_views_context(request, screen):
    """What the screen's « Vues enregistrées » block shows (the saved views, one query, and the
    preference read once a request)."""
    if not request.acting.is_secretariat:
        return {}
    preference = list_preference(request, screen)
    views = list(SavedView.objects.for_user(request.user, screen).select_related("owner"))
    for view in views:
        view.url = screen_url(screen, view)
    return {
        "saved_views": views,
        "default_view_id": preference.default_view_id if preference else None,
        "current_view": request.GET.get(VIEW_PARAM, ""),
        "save_view_form": SaveViewForm(initial={"screen": screen, "query": filters_of(request.GET)}),
        "reset_url": screen_url(screen),
    }


def _back(screen, view=None):
    return redirect(screen_url(screen, view))


@require_POST
def save_view(request):
    require_secretariat(request.user)
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        screen = request.POST.get("vue-screen")
        messages.error(request, "Vue non enregistrée : donnez-lui un nom (80 caractères au plus).")
        return _back(screen if screen in SCREEN_URLS else Screen.PROCEDURES)
    data = form.cleaned_data
    query = filters_of(QueryDict(data["query"]))
    view, _ = SavedView.objects.update_or_create(
        owner=request.user,
        screen=data["screen"],
        name=data["name"].strip(),
        defaults={"query": query, "shared": data["shared"]},
    )
    if data["make_default"]:
        _set_default(request.user, view.screen, view)
    messages.success(request, f"Vue « {view.name} » enregistrée{' et partagée' if view.shared else ''}.")
    return _back(view.screen, view)


def _set_default(user, screen, view):
    ListPreference.objects.update_or_create(user=user, screen=screen, defaults={"default_view": view})


@require_POST
def set_default_view(request, screen):
    require_secretariat(request.user)
    if screen not in SCREEN_URLS:
        raise Http404
    pk = request.POST.get("view", "")
    view = get_object_or_404(SavedView.objects.for_user(request.user, screen), pk=pk) if pk else None
    _set_default(request.user, screen, view)
    if view:
        messages.success(request, f"« {view.name} » s'ouvrira par défaut.")
        return _back(screen, view)
    messages.success(request, "Plus de vue par défaut : l'écran s'ouvrira sans filtre.")
    return _back(screen)


@require_POST
def delete_view(request, pk):
    """Only its author deletes a view; a colleague's shared view is a 403."""
    require_secretariat(request.user)
    visible = SavedView.objects.filter(Q(shared=True) | Q(owner=request.user))
    view = get_object_or_404(visible, pk=pk)
    if view.owner_id != request.user.pk:
        raise PermissionDenied("Seul l'auteur d'une vue partagée peut la supprimer.")
    view.delete()
    messages.success(request, f"Vue « {view.name} » supprimée.")
    return _back(view.screen)


urlpatterns = [
    path("vues/", save_view, name="save_view"),
    path("vues/<int:pk>/supprimer/", delete_view, name="delete_view"),
    path("vues/<str:screen>/par-defaut/", set_default_view, name="set_default_view"),
]
