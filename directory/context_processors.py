from django.conf import settings
from django.urls import reverse

from . import second_factor
from .navigation import menu_for

SITE_CONFIG = {
    "site_title": "Prévex",
    "site_tagline": "Prévention des expulsions locatives — CCAPEX de la Côte-d'Or",
    "header_brand_html": "Préfet<br>de la Côte-d'Or",
    "footer_brand_html": "Préfet<br>de la Côte-d'Or",
    "footer_description": (
        "Prévex est l'outil de la CCAPEX de la Côte-d'Or et de ses partenaires "
        "pour prévenir les expulsions locatives."
    ),
    "accessibility_status": "NOT",
}


def shell(request):
    """The header and navigation: service name, acting organisation, sections of the role."""
    context = {"SITE_CONFIG": SITE_CONFIG, "CONTACT_EMAIL": settings.CONTACT_EMAIL}
    acting = getattr(request, "acting", None)
    if acting is None or not request.user.is_authenticated:
        return context
    if hasattr(request, "session") and second_factor.required(request):
        # Not yet signed in: the name and « Se déconnecter » only, no page to reach nor anything
        # fetched behind the person's back (the unread count) while they enrol or type their code.
        context["second_factor_pending"] = True
        return context
    current = request.resolver_match.view_name if request.resolver_match else None
    context["acting"] = acting
    context["nav_sections"] = [_entry(label, target, current) for label, target in menu_for(acting.role)]
    return context


def _entry(label, target, current):
    if isinstance(target, str):
        return {"label": label, "url": reverse(target), "current": target == current}
    links = [_entry(child, name, current) for child, name in target]
    return {"label": label, "links": links, "current": any(link["current"] for link in links)}
