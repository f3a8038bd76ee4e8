"""The work queue's bulk form: which tasks (chosen ones, whole cases, or the whole filtered selection)
and what to do with them (done, set aside with a reason, given to a member of the secretariat)."""

from django import forms

from directory.acting import secretariat_members
from directory.field_groups import ChoicesAtOnce, FieldGroupBoundField, read_choices_at_once
from directory.forms import DsfrForm

DONE, SET_ASIDE, ASSIGN = "faite", "ecarter", "attribuer"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class MembersAlreadyRead(ChoicesAtOnce):
    """The drop-down's options from the members the page has read already (its filter offers the
    same ones): no query; a choice sent is still checked against the field's queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for user in self.field.members:
            yield self.choice(user)


class BulkTasksForm(DsfrForm):
    prefix = "lot"  # beside the queue's filter form on the same page
    bound_field_class = FieldGroupBoundField  # on every page of the queue (directory/field_groups.py)

    action = forms.ChoiceField(
        label="Action sur la sélection",
        choices=[
            ("", "Choisir…"),
            (DONE, "Marquer comme faites"),
            (SET_ASIDE, "Écarter"),
            (ASSIGN, "Attribuer"),
        ],
        error_messages={"required": "Choisissez l'action à appliquer."},
    )
    reason = forms.CharField(
        label="Motif (pour écarter)", max_length=250, required=False, help_text="obligatoire pour écarter"
    )
    assignee = MemberChoiceField(
        label="Attribuer à",
        queryset=None,
        required=False,
        empty_label="Personne (retirer l'attribution)",
    )
    everything = forms.BooleanField(label="Toutes les tâches de la sélection filtrée", required=False)
    filters = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, departements=None, members=None, **kwargs):
        """`members`: the secretariat members of `departements`, when the page has read them."""
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = secretariat_members(departements)
        self.scope_choices()
        read_choices_at_once(self)
        if members is not None:
            assignee = self.fields["assignee"]
            assignee.members, assignee.iterator = members, MembersAlreadyRead
            assignee.widget.choices = assignee.choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == SET_ASIDE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Indiquez pourquoi ces tâches sont écartées.")
        self.task_ids, self.case_ids = _ids(self.data, "tache"), _ids(self.data, "dossier")
        if not (cleaned.get("everything") or self.task_ids or self.case_ids):
            raise forms.ValidationError("Cochez au moins une tâche ou un dossier, ou toute la sélection.")
        return cleaned


def _ids(data, name):
    return {int(value) for value in data.getlist(name) if value.isdigit()}
