"""Which organisation a referral goes to: RoutingRule rows an administrator edits in the admin.

`install_default_rules()` writes the Charte's defaults (idempotent; `manage.py setup_routing`,
run after `setup_departement 21`); `install_national_rules(code)` the national defaults of a
département without a Charte module, on its "NN-departement" territory so that they never reach
another département's communes; `suggest_organisation()` reads the rules for a case.
"""

from dataclasses import dataclass

from django.db.models import Q

from directory.departements import has_reference_data, national
from directory.models import Commune, Organisation, Territory

from .models import Referral, RoutingRule

K = Referral.Kind
DSF_KINDS = (K.DSF, K.DSF_UPDATE)


def suggest_organisation(*, kind, procedure, rules=None) -> Organisation | None:
    """The organisation the rules address this kind of referral to, for the case's lease, or None.

    A commune's rule wins over a territory's, a territory's over the département's; then a rule for
    the lease's sector over one for both sectors; then the smallest priority. `rules`, the case's
    rules_for(procedure) read once, spares a query per suggestion (the case page's open tasks).
    """
    rules = rules_for(procedure) if rules is None else rules
    best = min((rule for rule in rules if rule.kind == kind), key=_rank, default=None)
    return best.organisation if best else None


def rules_for(procedure) -> list[RoutingRule]:
    """The active rules of every kind that may apply to the case's lease, in one query."""
    lease = procedure.lease
    return list(
        RoutingRule.objects.filter(
            is_active=True, organisation__is_active=True, departement_code=procedure.departement_code
        )
        .filter(Q(sector="") | Q(sector=lease.sector))
        .filter(
            Q(commune=lease.commune_id)
            | Q(territory__communes=lease.commune_id)
            | Q(commune__isnull=True, territory__isnull=True)
        )
        .select_related("organisation")
    )


def _rank(rule) -> tuple:
    place = 0 if rule.commune_id else 1 if rule.territory_id else 2
    return (place, 0 if rule.sector else 1, rule.priority, rule.pk)


@dataclass(frozen=True)
class Default:
    kinds: tuple
    organisation: str
    reference: str
    territory: str = ""
    commune: str = ""
    priority: int = 50


ANNEXE_3 = "Charte fiche action 5 §1.a ; annexe 3 §7"
FICHE_5_DSF = "Charte fiche action 5 §1.b ; II.B étape 3a"
ETAPE_5 = "Charte II.B étape 5"

# The Charte's defaults, by organisation and territory codes of directory/departements/cote_dor.py.
DEFAULTS = (
    # Visite anticipation: SDAT ASCO for the arrondissement of Beaune, Arc-en-ciel for the Val de
    # Saône, ADEFO elsewhere. Saint-Jean-de-Losne is in both the arrondissement of Beaune and the
    # Val de Saône: annexe 3 §7 gives the whole arrondissement to SDAT ASCO, hence its priority.
    Default((K.ANTICIPATION_VISIT,), "sdat-asco", ANNEXE_3, territory="21-arr-211", priority=10),
    Default((K.ANTICIPATION_VISIT,), "arc-en-ciel", ANNEXE_3, territory="21-val-de-saone", priority=20),
    Default((K.ANTICIPATION_VISIT,), "adefo", ANNEXE_3),
    # DSF: the CCAS of the commune when it has social workers (commune rules, see _ccas_defaults),
    # Dijon Métropole for its other communes, otherwise the Conseil départemental's agence.
    Default(DSF_KINDS, "dijon-metropole", FICHE_5_DSF, territory="21-dijon-metropole", priority=10),
    Default(DSF_KINDS, "cd21-agence-dijon", FICHE_5_DSF, territory="21-agence-dijon", priority=20),
    Default(DSF_KINDS, "cd21-agence-beaune", FICHE_5_DSF, territory="21-agence-beaune", priority=20),
    Default(DSF_KINDS, "cd21-agence-montbard", FICHE_5_DSF, territory="21-agence-montbard", priority=20),
    Default(DSF_KINDS, "cd21", FICHE_5_DSF),
    # Assessment of public-order risks: the police in its zone (commune rules, see _police_defaults),
    # the gendarmerie elsewhere.
    Default((K.ASSESSMENT,), "gendarmerie-21", ETAPE_5),
    # Veille sociale: the SIAO (Charte II.B étape 6, annexe 5).
    Default((K.SOCIAL_WATCH,), "siao-21", "Charte II.B étape 6 ; annexe 5"),
)


def _ccas_defaults():
    for ccas in Organisation.objects.filter(
        kind=Organisation.Kind.CCAS, has_social_workers=True, is_active=True, commune__isnull=False
    ).select_related("commune"):
        yield Default(DSF_KINDS, ccas.code, FICHE_5_DSF, commune=ccas.commune.insee_code, priority=10)


def _police_defaults():
    for commune in Commune.objects.filter(police_zone=Commune.PoliceZone.POLICE).only("insee_code"):
        yield Default((K.ASSESSMENT,), "police-21", ETAPE_5, commune=commune.insee_code)


def install_default_rules() -> tuple[int, list[str]]:
    """Create the Charte's default rules missing for their place; never changes or deletes a rule.

    Returns (rules created, defaults skipped because their organisation, territory or commune does
    not exist yet: run `setup_departement 21` first)."""
    return _install([*DEFAULTS, *_ccas_defaults(), *_police_defaults()])


def _install(defaults) -> tuple[int, list[str]]:
    created, skipped = 0, []
    for default in defaults:
        places = _resolve(default)
        if places is None:
            skipped.append(f"{default.organisation} {default.territory or default.commune}".strip())
            continue
        for kind in default.kinds:
            # Found by place, so that an administrator's change of organisation is kept on a rerun.
            _, was_created = RoutingRule.objects.get_or_create(
                kind=kind,
                sector="",
                territory=places["territory"],
                commune=places["commune"],
                departement_code=places["departement_code"],
                defaults={
                    "organisation": places["organisation"],
                    "priority": default.priority,
                    "reference": default.reference,
                },
            )
            created += was_created
    return created, skipped


def _resolve(default) -> dict | None:
    organisation = Organisation.objects.filter(code=default.organisation).first()
    territory = Territory.objects.filter(code=default.territory).first() if default.territory else None
    commune = Commune.objects.filter(insee_code=default.commune).first() if default.commune else None
    if (
        organisation is None
        or (default.territory and territory is None)
        or (default.commune and commune is None)
    ):
        return None
    place = territory or commune or organisation  # the rule's département (issue 16)
    return {
        "organisation": organisation,
        "territory": territory,
        "commune": commune,
        "departement_code": place.departement_code,
    }


# The national defaults' references, from law.md (its rows and its section on décret 2026-83).
NATIONAL_DSF = "Décret 2021-8 (DSF par les services sociaux) ; décret 2026-83 (orientation des signalements)"
NATIONAL_ASSESSMENT = "Décision sur le concours de la force publique (law.md, étapes 6 et 7)"
NATIONAL_SOCIAL_WATCH = "Décret 2026-83 (orientation des signalements vers le SIAO)"


def national_defaults(departement_code: str) -> list[Default]:
    """Who receives each kind of referral in a département without a Charte module: the Conseil
    départemental (or the collectivity in its place) makes the DSF and the support measures, the
    gendarmerie the assessment (an administrator adds the police's communes), the SIAO the veille
    sociale; the other kinds have no default, as in the Côte-d'Or."""
    codes = national.codes(departement_code)
    return [
        Default((*DSF_KINDS, K.SUPPORT_MEASURE), codes.departement, NATIONAL_DSF, territory=codes.territory),
        Default((K.ASSESSMENT,), codes.gendarmerie, NATIONAL_ASSESSMENT, territory=codes.territory),
        Default((K.SOCIAL_WATCH,), codes.siao, NATIONAL_SOCIAL_WATCH, territory=codes.territory),
    ]


def install_national_rules(departement_code: str) -> tuple[int, list[str]]:
    return _install(national_defaults(departement_code))


def setup_step(departement_code: str) -> str:
    """`setup_departement`'s step: the Charte's default routing rules (Charte fiche action 5), or
    the national defaults for a département without a Charte module."""
    if has_reference_data(departement_code):
        created, skipped = install_default_rules()
    else:
        created, skipped = install_national_rules(departement_code)
    line = f"Règles d'orientation : {created} créées"
    return f"{line} ({len(skipped)} sans organisme ou lieu connu)" if skipped else line
