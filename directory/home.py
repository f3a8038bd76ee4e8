"""The home page's blocks, as a table: each app registers what a role sees first."""

from django.template.loader import render_to_string

from procedure.views.lists import home_work_queue
from referrals.models import WORKING_ROLES
from referrals.panels import home_inbox

from .navigation import SECRETARIAT

# (template, roles, context function taking the request)
BLOCKS = [
    ("procedure/_list_home_work_queue.html", SECRETARIAT, home_work_queue),
    ("referrals/_home_inbox.html", WORKING_ROLES, home_inbox),
]


def blocks_for(request):
    role = request.acting.role
    return [
        render_to_string(template, context(request), request=request)
        for template, roles, context in BLOCKS
        if role in roles
    ]
