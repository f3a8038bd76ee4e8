"""Forms of the secretariat's list screens: filters, setting a task aside, uploading acts (formats.md)."""

import zipfile

from django import forms

from directory.field_groups import FieldGroupBoundField, read_choices_at_once
from directory.forms import DsfrForm

MAX_IMPORT_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


class FilterForm(DsfrForm):
    """The look of the filter forms (django-filter builds the fields), their fields written in Python
    (directory/field_groups.py: every list screen renders them)."""

    bound_field_class = FieldGroupBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        read_choices_at_once(self)

    def scope_choices(self):
        """The filters' querysets are the user's départements' already (filters.py, issue 16)."""


class SetAsideForm(DsfrForm):
    reason = forms.CharField(
        label="Motif",
        max_length=250,
        error_messages={"required": "Indiquez pourquoi cette tâche est écartée."},
    )


def detect_format(uploaded):
    """'xlsx' or 'csv' from the file's content, whatever its name says; ValidationError otherwise."""
    head = uploaded.read(4096)
    uploaded.seek(0)
    if head.startswith(XLSX_MAGIC):
        _check_workbook(uploaded)
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise forms.ValidationError(
            "Le format Excel 97-2003 (.xls) n'est pas pris en charge : "
            "enregistrez le fichier en .xlsx ou en .csv."
        )
    if b"\x00" in head or not _is_utf8(uploaded):
        raise forms.ValidationError(
            "Ce fichier n'est ni un CSV en UTF-8 ni un classeur XLSX. "
            "Enregistrez-le au format CSV (UTF-8) ou XLSX."
        )
    return "csv"


def _check_workbook(uploaded):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        is_workbook = False
    uploaded.seek(0)
    if not is_workbook:
        raise forms.ValidationError("Ce fichier compressé n'est pas un classeur XLSX.")


def _is_utf8(uploaded):
    decoder_ok = True
    try:
        uploaded.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        decoder_ok = False
    uploaded.seek(0)
    return decoder_ok


class ImportUploadForm(DsfrForm):
    """A CSV or XLSX of acts (formats.md, « Import of procedural acts »), checked by its content."""

    file = forms.FileField(
        label="Fichier des actes",
        help_text="CSV (UTF-8, séparateur virgule ou point-virgule) ou XLSX (première feuille), "
        "5 Mo au plus.",
        error_messages={"required": "Choisissez un fichier CSV ou XLSX.", "empty": "Le fichier est vide."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
        self.detected_format = detect_format(uploaded)
        return uploaded


class ImportConfirmForm(DsfrForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
