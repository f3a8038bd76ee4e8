"""Which SMTP failures are worth another try (RFC 5321 §4.2.1).

A 5yz reply is a permanent negative completion: the same message to the same address will be
refused again (« 550 5.1.1 No such user »), so it is marked failed at once and shown to the people
who can correct the address, instead of being retried for hours. A 4yz reply (« 451 Mailbox
temporarily unavailable ») and a lost connection are transient: retried with backoff.
"""

import smtplib


def is_permanent(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(_permanent_code(code) for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return _permanent_code(error.smtp_code)
    return False


def _permanent_code(code) -> bool:
    return isinstance(code, int) and 500 <= code < 600
