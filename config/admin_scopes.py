"""The other apps' lines of directory.admin_scope.SCOPES: what of each model an administrator of a
département reaches in /admin/ (issue 16)."""

from django.db.models import Q

from directory.admin_scope import SCOPES, field_condition, organisation_condition
from directory.models import Organisation
from procedure import access_log
from procedure.models import Procedure


def _households(codes):
    return Q(pk__in=Procedure.objects.filter(departement_code__in=codes).values("household_id"))


SCOPES.update(
    {
        "households.household": _households,
        "households.landlord": lambda codes: (
            Q(pk__in=Procedure.objects.filter(departement_code__in=codes).values("landlord_id"))
            | Q(organisation__in=Organisation.objects.serving(*codes))
        ),
        "procedure.procedure": field_condition("departement_code"),
        "procedure.accesslog": access_log.of_departements,
        "procedure.changelog": field_condition("procedure__departement_code"),
        "referrals.routingrule": field_condition("departement_code"),
        "referrals.referral": field_condition("procedure__departement_code"),
        "referrals.supportmeasure": field_condition("procedure__departement_code"),
        "referrals.outboxmessage": organisation_condition("organisation"),
        "commissions.commission": field_condition("departement_code"),
        "commissions.session": field_condition("commission__departement_code"),
        "commissions.rehousingpoolentry": field_condition("procedure__departement_code"),
        "letters.listrecipient": organisation_condition("organisation"),
        "letters.weeklylist": organisation_condition("recipient"),
        "letters.lettertemplate": field_condition("departement_code"),
        "letters.letter": field_condition("procedure__departement_code"),
        "indicators.suppliedfigure": field_condition("departement_code"),
    }
)
