"""Where the other apps plug into the referrals' pages, so that referrals knows nothing of them:

- INBOX_SECTIONS: (template name, fn(request) -> context dict), rendered on an organisation's
  inbox below its referrals (commissions: the recommendations it has to answer). Each function
  costs its own queries on every inbox page;
- DIGEST_SOURCES: fn(today=) -> {organisation: [line, …]}, added to each organisation's daily
  digest (commissions: the recommendations due). One query a day each.
"""

INBOX_SECTIONS = []
DIGEST_SOURCES = []


def register(registry, item):
    if item not in registry:
        registry.append(item)
    return item
