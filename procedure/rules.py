"""The rules of the procedure, as tables with their legal references (law.md, Charte II.B).

The services read these tables; nothing here touches the database.
"""

from django.db import models


class Action(models.TextChoices):
    """The secretariat's actions the Charte prescribes (Charte II.B, étapes 1 to 6)."""

    ACKNOWLEDGE = "accuser_reception", "Accuser réception et mettre à jour le dossier"
    QUESTIONNAIRE_HOUSEHOLD = "questionnaire_menage", "Envoyer le courrier avec questionnaire au ménage"
    QUESTIONNAIRE_OWNER = "questionnaire_proprietaire", "Envoyer le courrier avec questionnaire au propriétaire"
    SELECT_FOR_COMMISSION = "identifier_ccapex", "Identifier la situation à présenter en CCAPEX"
    INFORM_SOCIAL_SERVICES = "informer_services_sociaux", "Informer les services sociaux"
    REQUEST_DSF = "demander_dsf", "Demander un diagnostic social et financier (DSF)"
    UPDATE_DSF = "actualiser_dsf", "Demander l'actualisation du DSF"
    INFORM_JUDGMENT = "informer_jugement", "Informer les services sociaux du jugement"
    CONVENE_MEDIATION = "convoquer_mediation", "Convoquer le ménage en commission de médiation pré-expulsion"
    REQUEST_TECHNICAL_REVIEW = "examen_commission_technique", "Demander l'examen en commission technique"
    REQUEST_ANTICIPATION_VISIT = "demander_visite_anticipation", "Missionner un opérateur pour une visite anticipation"
    CHECK_FORMALITIES = "verifier_formalites", "Vérifier les formalités (titre exécutoire, tentative d'expulsion)"
    REQUEST_ASSESSMENT = "demander_enquete", "Demander l'enquête de la police ou de la gendarmerie"
    INFORM_CFP_HOUSEHOLD = "informer_cfp_menage", "Informer le ménage de l'octroi du concours de la force publique"
    INFORM_CFP_LANDLORD = "informer_cfp_bailleur", "Informer le bailleur de l'octroi du concours"
    INFORM_CFP_COMMUNE = "informer_cfp_commune", "Informer la commune de l'octroi du concours"
    INFORM_CFP_DEPARTEMENT = "informer_cfp_departement", "Informer le Conseil départemental de l'octroi du concours"
    INFORM_CFP_BAILIFF = "informer_cfp_commissaire", "Informer le commissaire de justice de l'octroi du concours"
    INFORM_CFP_POLICE = "informer_cfp_police", "Informer la police ou la gendarmerie de l'octroi du concours"
