"""The user's notifications (every role): the list with its unread count, opening one (marked
read, then its page), and the choice per kind of event of immediate e-mail, digest or none.
A user reaches only their own notifications (404 otherwise)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import notifications
from .models import Channel, Notification

LIST_LIMIT = 200
# The header shows "99+" past this: a count that reads at most this many index entries.
UNREAD_SHOWN = 99


def notification_list(request):
    items = Notification.objects.filter(user=request.user)
    return render(
        request,
        "directory/notifications.html",
        {
            "title": "Notifications",
            "notifications": list(items[:LIST_LIMIT]),
            "unread_count": items.unread().count(),
        },
    )


@require_GET
def unread_count(request):
    """The header's badge (static/prevex/notifications.js): how many of the user's notifications are
    unread, read from the (user, read_at) index and capped, so that no page pays for it."""
    unread = Notification.objects.filter(user=request.user).unread()[: UNREAD_SHOWN + 1].count()
    shown = f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else str(unread)
    response = JsonResponse({"non_lues": unread if unread <= UNREAD_SHOWN else None, "affiche": shown})
    response["Cache-Control"] = "private, no-store"
    return response


def open_notification(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("directory:notifications")


@require_POST
def mark_all_read(request):
    Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    messages.success(request, "Toutes vos notifications sont marquées comme lues.")
    return redirect("directory:notifications")


def notification_preferences(request):
    current = notifications.preferences(request.user)
    if request.method == "POST":
        choices = {kind: request.POST.get(kind, current[kind]) for kind in current}
        notifications.set_preferences(user=request.user, choices=choices)
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect("directory:notification_preferences")
    rows = [
        {"kind": kind, "label": notifications.KINDS[kind][0], "channel": channel}
        for kind, channel in sorted(current.items(), key=lambda item: notifications.KINDS[item[0]][0])
    ]
    return render(
        request,
        "directory/notification_preferences.html",
        {"title": "Préférences de notification", "rows": rows, "channels": Channel.choices},
    )
