"""Heavy documents built in the background (issue 11): an export past `BACKGROUND_EXPORT_ROWS`
rows is built by a Celery task while its requester watches its progress; the file is kept in
private storage (MEDIA_ROOT, never served), downloadable by its requester for the organisation they
acted for, each download logged, and deleted after `BACKGROUND_EXPORT_HOURS` (hourly beat task).
See services.py."""
