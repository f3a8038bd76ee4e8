"""Issue 16: the daily alert of unusual reading goes to the reader's own département's administrators."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from procedure import access_log
from procedure.models import ReadingAlert

pytestmark = pytest.mark.django_db


def test_an_unusual_reading_is_told_to_the_reader_s_own_administrators(
    settings, secretariat, administrator, secretariat_71, administrator_71
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReadingAlert.objects.create(user=secretariat_71, day=yesterday, files=99)
    assert access_log.notify_administrators(yesterday) == 1
    (message,) = mail.outbox
    assert message.to == ["admin@ddets71.example"]
    assert "secretariat@ddets71.example" in message.body
