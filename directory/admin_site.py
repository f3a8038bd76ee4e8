from django.utils import timezone

from .models import Role


def is_administrator(user) -> bool:
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.memberships.active(timezone.localdate()).filter(role=Role.ADMIN).exists()


def restrict_admin_to_administrators(site):
    """/admin/ is for administrators only (a superuser, or staff with an active admin membership)."""
    site.site_header = "Prévex — administration"
    site.site_title = "Prévex"
    site.index_title = "Paramétrage"
    site.has_permission = lambda request: is_administrator(request.user)
