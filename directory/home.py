"""The home page's blocks, as a registry: each app registers, in its AppConfig.ready(), what a role
sees first on the home page, so that directory knows nothing of the apps built on it.

`register_block(template, roles, context)`: `context` takes the request and returns the template's
context; blocks show in the order the apps register them (INSTALLED_APPS).
"""

from django.template.loader import render_to_string

# (template, roles, context function taking the request)
BLOCKS = []


def register_block(template, roles, context):
    block = (template, tuple(roles), context)
    if block not in BLOCKS:
        BLOCKS.append(block)
    return block


def blocks_for(request):
    role = request.acting.role
    return [
        render_to_string(template, context(request), request=request)
        for template, roles, context in BLOCKS
        if role in roles
    ]
