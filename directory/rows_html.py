"""Rows of a page written in Python (the work queue's cases and tasks, its sections' tables): Django's
format_html escapes each value through `escape`, a lazy-aware wrapper whose checks cost more than the
escaping itself when a page writes some 2,000 values (issue 11, docs/decisions/016)."""

import html

from django.utils.safestring import SafeString


def fill(template, *args, **values):
    """format_html(template, *args, **values): the same markup, each value escaped as Django does
    (html.escape of its text), a safe value (with __html__) kept as it is."""
    return SafeString(
        template.format(*map(_escaped, args), **{name: _escaped(value) for name, value in values.items()})
    )


def _escaped(value):
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
