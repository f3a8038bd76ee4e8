"""The list screens' field groups written in Python (directory/field_groups.py) give django-dsfr's
markup: labels, hints and their ids, aria-describedby, aria-invalid, the required marker, the error
block, the options and the selected one; and render no template per field or option."""

import re

import pytest
from django import forms
from django.test.signals import template_rendered

from directory.field_groups import FieldGroupBoundField
from directory.forms import DsfrForm


class Fields(DsfrForm):
    stage = forms.ChoiceField(
        label="Étape",
        required=False,
        choices=[("", "Toutes"), ("a", "Assignation"), ("b", "L'audience & <jugement>")],
    )
    grouped = forms.ChoiceField(
        label="Action", choices=[("", "Choisir…"), ("Tâches", [("x", "Faite"), ("y", "Écartée")])]
    )
    commune = forms.CharField(
        label="Commune (nom ou code INSEE)", required=False, help_text="ex. : Dijon ou 21231"
    )
    days = forms.IntegerField(
        label="Dans les N jours", required=False, min_value=0, help_text="retards compris"
    )
    on = forms.DateField(label="Le", required=False)
    locked = forms.CharField(label="Verrouillé", required=False, disabled=True, initial="fixe")
    email = forms.EmailField(label="Adresse", required=True)
    shared = forms.BooleanField(label="Partager", required=False, help_text="avec tout le <secrétariat>")
    agree = forms.BooleanField(label="J'accepte", required=True)
    locked_box = forms.BooleanField(label="Fixé", required=False, disabled=True, initial=True)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    screen = forms.CharField(required=False, widget=forms.HiddenInput, initial="file")


class Written(Fields):
    bound_field_class = FieldGroupBoundField


def normalised(html):
    """Whitespace between tags aside (collapsed within text, as a browser shows it)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def groups(form):
    return [normalised(form[name].as_field_group()) for name in form.fields if not form[name].is_hidden]


def widgets(form):
    """Every field as `{{ field }}` and `{{ field.as_hidden }}` print it."""
    return [normalised(str(form[name])) for name in form.fields] + [
        normalised(form[name].as_hidden()) for name in form.fields
    ]


UNBOUND = None
VALUES = {
    "stage": "b",
    "grouped": "y",
    "commune": "Chenôve <21>",
    "days": "7",
    "on": "2026-01-31",
    "email": "a@b.fr",
    "shared": "on",
    "agree": "on",
    "query": 'stage=jugement&q="<x>"',
}
ERRORS = {
    "stage": "zzz",
    "grouped": "",
    "commune": "x",
    "days": "-3",
    "on": "31/13/2026",
    "email": "pas une adresse",
}  # « agree » missing: required


@pytest.mark.parametrize("data", [UNBOUND, VALUES, ERRORS], ids=["unbound", "values", "errors"])
def test_the_written_field_groups_are_django_dsfr_s(data):
    assert groups(Written(data, departements=())) == groups(Fields(data, departements=()))


@pytest.mark.parametrize("data", [UNBOUND, VALUES, ERRORS], ids=["unbound", "values", "errors"])
def test_the_written_widgets_and_hidden_inputs_are_django_s(data):
    assert widgets(Written(data, departements=())) == widgets(Fields(data, departements=()))


def test_the_written_checkboxes_keep_their_state_hint_and_error():
    written = Written(ERRORS, departements=())
    agree = normalised(written["agree"].as_field_group())
    assert 'class="fr-checkbox-group fr-checkbox-group--error fr-mb-2w"' in agree
    assert '<div id="id_agree-desc-error"><ul class="errorlist">' in agree
    shared = normalised(Written(VALUES, departements=())["shared"].as_field_group())
    assert (
        '<input type="checkbox" name="shared" aria-describedby="id_shared_helptext" id="id_shared" checked>'
        in shared
    )
    assert '<span class="fr-hint-text" id="id_shared_helptext">avec tout le <secrétariat></span>' in shared
    locked = normalised(written["locked_box"].as_field_group())
    assert "fr-input-group--disabled" in locked and " disabled" in locked


def test_the_written_field_groups_keep_labels_hints_and_errors():
    html = normalised(Written(ERRORS, departements=())["days"].as_field_group())

    label = '<label for="id_days" class="fr-label"> Dans les N jours '
    assert label + '<span class="fr-hint-text" id="id_days_helptext">retards compris</span></label>' in html
    assert 'aria-invalid="true" aria-describedby="id_days-desc-error" id="id_days"' in html
    assert '<div id="id_days-desc-error"><ul class="errorlist"><li class="fr-error-text">' in html
    assert 'class="fr-input-group fr-input-group--error"' in html
    unbound = normalised(Written(departements=())["commune"].as_field_group())
    assert 'aria-describedby="id_commune_helptext" id="id_commune"' in unbound
    required = normalised(Written(departements=())["email"].as_field_group())
    assert '<span class="fr-required-marker" aria-hidden="true"> *</span>' in required
    assert " required " in required
    chosen = normalised(Written(VALUES, departements=())["stage"].as_field_group())
    assert '<option value="b" selected>L&#x27;audience &amp; &lt;jugement&gt;</option>' in chosen


def test_the_written_field_groups_render_no_template():
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        groups(Written(VALUES, departements=()))
        widgets(Written(VALUES, departements=()))
    finally:
        template_rendered.disconnect(record)

    assert rendered == []
