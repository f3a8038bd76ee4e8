"""The second factor of password sign-ins for the secretariat and the administrators (TOTP with
django-otp, recovery codes with its static devices; docs/decisions/007-second-factor.md).

ProConnect sign-ins do not ask for it: the agent's organisation already checked them. A session
passes once `django_otp.login` has recorded the device that verified it.
"""

import django_otp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .acting import SECRETARIAT_ROLES

SIGNED_IN_WITH = "signed_in_with"  # "proconnect" when the session came through ProConnect
RECOVERY_CODES = 10


def required(request) -> bool:
    """A password session of someone acting as the secretariat or an administrator, not yet verified.
    Reads the session only (no query)."""
    session = request.session
    return (
        request.user.is_authenticated
        and session.get(SIGNED_IN_WITH) != "proconnect"
        and django_otp.DEVICE_ID_SESSION_KEY not in session
        and request.acting.role in SECRETARIAT_ROLES
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed TOTP device per user until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Application d'authentification", confirmed=False
    )


def confirm(request, device, code) -> list[str] | None:
    """Confirm the enrolment with a first code; returns the recovery codes (shown once), or None."""
    if not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=device.user, name="Codes de secours")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    django_otp.login(request, device)
    return codes


def verify(request, code) -> bool:
    """A code of the authenticator, or one of the recovery codes (each works once)."""
    code = code.strip().replace(" ", "").lower()
    # Six digits are the app's code, anything else a recovery code: a mistyped one throttles
    # only its own device.
    if code.isdigit():
        device = confirmed_device(request.user)
    else:
        device = StaticDevice.objects.filter(user=request.user).first()
    if device is None or not device.verify_token(code):
        return False
    django_otp.login(request, device)
    return True
