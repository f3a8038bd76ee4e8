"""directory.rows_html.fill: format_html's markup, without its lazy checks (issue 11)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

TEMPLATE = '<a href="{url}" title="{title}">{label}</a>{rest}{0}'


def test_fill_escapes_as_format_html_does():
    from directory.rows_html import fill

    values = {
        "url": "/dossiers/1/?a=1&b=2",
        "title": 'M. "Dupont" <l\'aîné>',
        "label": gettext_lazy("Dossier"),
        "rest": mark_safe("<br>"),
    }

    written = fill(TEMPLATE, 42, **values)

    assert written == format_html(TEMPLATE, 42, **values)
    assert isinstance(written, SafeString)
