"""The other apps' lines of directory.admin_scope.SCOPES (what of each model an administrator of a
département reaches in /admin/, and what every form's choice list offers) and SUPERUSERS_ONLY (what
belongs to the whole install, with the reason), issue 16."""

from django.db.models import Q

from directory.admin_scope import (
    SCOPES,
    SUPERUSERS_ONLY,
    field_condition,
    organisation_condition,
    users_condition,
)
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
        "procedure.readingalert": users_condition("user"),
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
        "letters.letterbatch": field_condition("departement_code"),
        "letters.questionnaireanswer": field_condition("procedure__departement_code"),
        "indicators.suppliedfigure": field_condition("departement_code"),
    }
)

NATIONAL = "la même pour tous les départements de l'installation"
SUPERUSERS_ONLY.update(
    {
        "procedure.wintertruce": "trêve hivernale (CPCE L.412-6), nationale : " + NATIONAL,
        "procedure.retentionpolicy": "durées de conservation (RGPD, loi) : " + NATIONAL,
        "procedure.anonymisationrun": "passages d'anonymisation, sur tous les départements à la fois",
        "referrals.referraldelay": "délais des orientations par type (pas encore par département) : "
        + NATIONAL,
        "indicators.charterobjective": "objectif de la Charte (pas encore par département) : " + NATIONAL,
    }
)
