"""django-dsfr's field group of a drop-down, a one-line input or a checkbox, and the bare widgets
(hidden inputs among them), written in Python for the forms that every list screen renders (the
filters, the work queue's bulk form, the saved view's form).

django-dsfr renders each field through its snippet (dsfr/form_field_snippets/input_snippet.html),
which renders the widget's template, which includes attrs.html, and for a drop-down one
select_option.html and one attrs.html per option: some 70 template renders for the work queue's
forms, a quarter of its template time (issue 11). The markup is the same (whitespace between tags
aside): the same group and label classes, the hint's id and the widget's aria-describedby, the
required marker, aria-invalid and the error block; the attributes and options come from Django's own
`build_widget_attrs` and `widget.get_context`, and the error list from its template. Any other field
(radio, textarea, a widget or field with its own template) goes through django-dsfr.
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBoundField
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

INPUT_SNIPPET = "dsfr/form_field_snippets/input_snippet.html"
CHECKBOX_SNIPPET = "dsfr/form_field_snippets/checkbox_snippet.html"
SELECT, SELECT_OPTION = "django/forms/widgets/select.html", "django/forms/widgets/select_option.html"
CHECKBOX, HIDDEN = "django/forms/widgets/checkbox.html", "django/forms/widgets/hidden.html"
# The input widgets whose template only includes django/forms/widgets/input.html.
INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "email", "date", "search", "url", "tel")
}
# The widgets written here: `{{ field }}` and `{{ field.as_hidden }}` as well as the field groups.
WIDGETS = {*INPUTS, SELECT, CHECKBOX, HIDDEN}


class FieldGroupBoundField(DsfrBoundField):
    def as_field_group(self):
        template = self.field.widget.template_name
        if self.field.show_hidden_initial:
            return super().as_field_group()
        if template == CHECKBOX and self.template_name == CHECKBOX_SNIPPET:
            return checkbox_group(self)
        if (template == SELECT or template in INPUTS) and self.template_name == INPUT_SNIPPET:
            return field_group(self)
        return super().as_field_group()

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        """A widget of WIDGETS (the lists' saved view, the bulk form's filters) without its
        templates; any other widget, or the initial value's copy, as Django renders it."""
        shown = widget or self.field.widget
        if only_initial or shown.template_name not in WIDGETS:
            return super().as_widget(widget, attrs, only_initial)
        return _widget(self, shown, attrs)


def field_group(field):
    """input_snippet.html: the group, its label with the hint, the widget, the errors."""
    group = getattr(field.field.widget, "group_class", None) or "fr-input-group"
    return format_html(
        '<div class="{}">\n  <label for="{}" class="fr-label">\n    {}{}{}\n  </label>\n  {}{}\n</div>',
        _group_classes(field, group),
        field.id_for_label,
        field.label,
        conditional_escape(dsfr_mark_optionnal_fields(field)),
        _hint(field, field.id_for_label),
        _widget(dsfr_input_class_attr(field)),
        _errors(field),
    )


def checkbox_group(field):
    """checkbox_snippet.html: the group, the box, its label with the hint, the errors."""
    return format_html(
        '<div class="{} fr-mb-2w">\n  {}\n  <label for="{}" class="fr-label">\n    {}{}{}\n  </label>'
        "{}\n</div>",
        _group_classes(field, "fr-checkbox-group"),
        _widget(dsfr_input_class_attr(field)),
        field.id_for_label,
        field.label,
        conditional_escape(dsfr_mark_optionnal_fields(field)),
        _hint(field, field.auto_id),  # the checkbox snippet names its hint after auto_id
        _errors(field),
    )


def _group_classes(field, group):
    classes = group + (f" {group}--error" if field.errors else "")
    return classes + (" fr-input-group--disabled" if field.field.disabled else "")


def _hint(field, key):
    if not field.help_text:
        return ""
    return format_html(
        '\n    <span class="fr-hint-text" id="{}_helptext">{}</span>', key, mark_safe(field.help_text)
    )


def _errors(field):
    if not field.errors:
        return ""
    return format_html('\n  <div id="{}-desc-error">{}</div>', field.auto_id, field.errors)


def _widget(field, widget=None, attrs=None):
    """BoundField.as_widget() for a select or an input, without its templates."""
    widget = widget or field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs or {}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if widget.template_name == SELECT:
        return _select(context)
    value = "" if context["value"] is None else format_html(' value="{}"', _text(context["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attrs(context)
    )


def _select(context):
    options = []
    for group_name, choices, _index in context["optgroups"]:
        if group_name:
            options.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in choices:
            if option["template_name"] != SELECT_OPTION:
                raise ValueError(f"Option template {option['template_name']} not written in Python.")
            options.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    _text(option["value"]),
                    _attrs(option),
                    option["label"],
                )
            )
        if group_name:
            options.append(mark_safe("\n  </optgroup>"))
    return format_html(
        '<select name="{}"{}>{}\n</select>', context["name"], _attrs(context), mark_safe("".join(options))
    )


def _text(value):
    """The template's `value|stringformat:'s'`."""
    return str(value)


def _attrs(context):
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` when True, nothing when False."""
    return mark_safe(
        "".join(
            ""
            if value is False
            else f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(_text(value))}"'
            for name, value in context["attrs"].items()
        )
    )


class ChoicesAtOnce(forms.models.ModelChoiceIterator):
    """A model drop-down's options read by one plain query. Django's iterator reads them with
    QuerySet.iterator(), which on PostgreSQL opens a server-side cursor outside a transaction
    (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips, twice the time) for a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:  # django-filter's « none » choice
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def read_choices_at_once(form):
    """Every model drop-down of the form reads its options in one query (ChoicesAtOnce)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            field.iterator = ChoicesAtOnce
            field.widget.choices = field.choices
