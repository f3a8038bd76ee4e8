"""Which SMTP failures are retried (directory/mail.py, RFC 5321 §4.2.1)."""

import smtplib

import pytest

from directory.mail import is_permanent


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"No"), "b@x.fr": (451, b"Later")}), False),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (451, b"Later")}), False),
        (smtplib.SMTPDataError(554, b"Rejected"), True),
        (smtplib.SMTPSenderRefused(553, b"Sender refused", "prevex@x.fr"), True),
        (smtplib.SMTPDataError(421, b"Closing"), False),
        (smtplib.SMTPServerDisconnected("lost"), False),
        (ConnectionRefusedError(), False),
        (TimeoutError(), False),
    ],
)
def test_a_5yz_reply_is_permanent_a_4yz_reply_or_a_lost_connection_is_not(error, permanent):
    assert is_permanent(error) is permanent
