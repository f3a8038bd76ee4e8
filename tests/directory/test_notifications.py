"""Issue 12 §5: each user chooses per kind of event an immediate e-mail, the daily digest or no
e-mail; e-mails carry only the kind of event and a link; every notification is in the in-app list
with its unread count; a user reaches only their own."""

import pytest
from django.core import mail
from django.urls import reverse

from directory import notifications, tasks
from directory.models import Channel, Notification

pytestmark = pytest.mark.django_db

KIND = "preconisation_recue"  # registered by the commissions app, immediate by default
DIGEST_KIND = "reponse_preconisation"  # digest by default


def tell(user, key="1", kind=KIND, capture=None):
    def run():
        return notifications.notify(
            users=[user],
            kind=kind,
            title="Nouvelle préconisation : Mesure ASLL",
            url="/orientations/",
            dedup_key=key,
        )

    if capture is None:
        return run()
    with capture(execute=True):
        return run()


def test_an_immediate_notification_is_e_mailed_once_with_a_link_only(
    social_worker, django_capture_on_commit_callbacks
):
    assert tell(social_worker, capture=django_capture_on_commit_callbacks) == 1
    assert tell(social_worker, capture=django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [social_worker.email]
    assert "/orientations/" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert tasks.send_notification.delay(notification.pk).get() is False
    assert len(mail.outbox) == 1


def test_no_e_mail_when_the_user_chose_none_but_the_list_has_it(
    social_worker, social_worker_client, django_capture_on_commit_callbacks
):
    notifications.set_preferences(user=social_worker, choices={KIND: Channel.NONE})
    tell(social_worker, capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    page = social_worker_client.get(reverse("directory:notifications")).content.decode()
    assert "1 notification non lue" in page and "Nouvelle préconisation : Mesure ASLL" in page


def test_the_digest_gathers_the_day_s_notifications_once(social_worker, django_capture_on_commit_callbacks):
    notifications.set_preferences(user=social_worker, choices={KIND: Channel.DIGEST})
    tell(social_worker, "a", capture=django_capture_on_commit_callbacks)
    tell(social_worker, "b", capture=django_capture_on_commit_callbacks)
    tell(social_worker, "c", kind=DIGEST_KIND, capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert tasks.send_notification_digests.delay().get() == 1
    assert tasks.send_notification_digests.delay().get() == 0
    assert len(mail.outbox) == 1
    assert "3 notifications" in mail.outbox[0].subject
    assert reverse("directory:notifications") in mail.outbox[0].body


def test_opening_a_notification_marks_it_read_and_leads_to_its_page(social_worker, social_worker_client):
    tell(social_worker)
    notification = Notification.objects.get()
    response = social_worker_client.get(reverse("directory:open_notification", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/orientations/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = social_worker_client.get(reverse("directory:notifications")).content.decode()
    assert "Aucune notification non lue" in page


def test_mark_all_read(social_worker, social_worker_client):
    tell(social_worker, "a")
    tell(social_worker, "b")
    social_worker_client.post(reverse("directory:mark_all_read"))
    assert not Notification.objects.unread().exists()


def test_another_user_s_notification_is_404(social_worker, other_social_worker_client):
    tell(social_worker)
    notification = Notification.objects.get()
    url = reverse("directory:open_notification", args=[notification.pk])
    assert other_social_worker_client.get(url).status_code == 404
    page = other_social_worker_client.get(reverse("directory:notifications")).content.decode()
    assert "Mesure ASLL" not in page


@pytest.mark.parametrize(
    "persona",
    ["secretariat_client", "social_worker_client", "other_social_worker_client", "commission_member_client"],
)
def test_every_persona_has_its_list_and_preferences(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("directory:notifications")).status_code == 200
    page = client.get(reverse("directory:notification_preferences")).content.decode()
    assert "Courriel immédiat" in page and "Résumé quotidien" in page


def test_the_preferences_page_saves_the_choice(social_worker, social_worker_client):
    social_worker_client.post(reverse("directory:notification_preferences"), {KIND: Channel.DIGEST})
    assert notifications.channel_for(social_worker, KIND) == Channel.DIGEST
    assert notifications.channel_for(social_worker, DIGEST_KIND) == Channel.DIGEST


def test_the_list_is_for_signed_in_users_only(client):
    assert client.get(reverse("directory:notifications")).status_code == 302


def test_an_immediate_e_mail_whose_task_was_lost_is_sent_by_the_flush_once(
    social_worker, other_social_worker
):
    """The broker was down at commit (no on_commit callback ran here): the beat's flush sends it,
    once; a digest one, a too recent one and a too old one are left alone."""
    from datetime import timedelta

    from django.utils import timezone

    tell(social_worker, key="lost")  # its on_commit task never runs: as if never queued
    tell(social_worker, key="recent")
    tell(other_social_worker, key="digest", kind=DIGEST_KIND)
    tell(other_social_worker, key="stale")
    now = timezone.now()
    Notification.objects.exclude(dedup_key="recent").update(created_at=now - timedelta(minutes=11))
    Notification.objects.filter(dedup_key="stale").update(created_at=now - timedelta(days=3))

    assert tasks.flush_notifications.delay().get() == 1
    assert tasks.flush_notifications.delay().get() == 0

    assert [message.to for message in mail.outbox] == [[social_worker.email]]
    assert set(Notification.objects.filter(emailed_at__isnull=False).values_list("dedup_key", flat=True)) == {
        "lost"
    }


def test_the_header_count_is_the_users_own_unread_notifications(social_worker, other_social_worker):
    from tests.conftest import client_for

    for key in ("1", "2", "3"):
        tell(social_worker, key=key)
    tell(other_social_worker, key="4")
    Notification.objects.filter(user=social_worker, dedup_key="3").update(read_at="2026-12-01T10:00Z")
    response = client_for(social_worker).get(reverse("directory:unread_count"))

    assert response.json() == {"non_lues": 2, "affiche": "2"}
    assert response["Cache-Control"] == "private, no-store"


def test_the_header_count_stops_at_99_plus(social_worker):
    from tests.conftest import client_for

    Notification.objects.bulk_create(
        Notification(user=social_worker, kind=KIND, title="Saisine", url="/", dedup_key=str(n))
        for n in range(101)
    )

    assert client_for(social_worker).get(reverse("directory:unread_count")).json() == {
        "non_lues": None,
        "affiche": "99+",
    }


def test_the_header_count_asks_for_a_sign_in(client):
    assert client.get(reverse("directory:unread_count")).status_code == 302
