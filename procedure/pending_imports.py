"""The file of an import of acts between its preview and its confirmation (formats.md: the
secretariat sees what would change before anything is written)."""

import datetime
import hashlib
import secrets
import tempfile
import time
from pathlib import Path


class PendingImport:
    """An uploaded file kept between the preview and the confirmation: a private temporary file
    (folder readable by Prévex only, outside the web root) whose random token and checksum live in
    the session; deleted after the import, on cancel, or once a day old (`purge_stale`, hourly)."""

    SESSION_KEY = "procedure_pending_import"
    FOLDER = Path(tempfile.gettempdir()) / "prevex-imports"
    MAX_AGE = datetime.timedelta(days=1)

    def __init__(self, *, token, name, file_format, sha256):
        self.token, self.name, self.file_format, self.sha256 = token, name, file_format, sha256

    @property
    def path(self):
        return self.FOLDER / f"{self.token}.{self.file_format}"

    @classmethod
    def keep(cls, request, uploaded, *, file_format):
        cls.FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
        cls.purge_stale()
        digest = hashlib.sha256()
        pending = cls(token=secrets.token_urlsafe(24), name=uploaded.name, file_format=file_format, sha256="")
        with pending.path.open("wb") as target:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                target.write(chunk)
        pending.sha256 = digest.hexdigest()
        request.session[cls.SESSION_KEY] = vars(pending)
        return pending

    @classmethod
    def load(cls, request, token):
        """The pending file of this session with this token, unchanged since the preview, or None."""
        stored = request.session.get(cls.SESSION_KEY)
        if not stored or not secrets.compare_digest(stored["token"], token):
            return None
        pending = cls(**stored)
        if (
            not pending.path.exists()
            or cls._is_stale(pending.path)
            or hashlib.sha256(pending.path.read_bytes()).hexdigest() != pending.sha256
        ):
            pending.delete(request)
            return None
        return pending

    @classmethod
    def purge_stale(cls) -> int:
        """Delete the files of previews never confirmed nor cancelled, once MAX_AGE old."""
        stale = [path for path in cls.FOLDER.glob("*") if path.is_file() and cls._is_stale(path)]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    @classmethod
    def _is_stale(cls, path) -> bool:
        age = time.time() - path.stat().st_mtime
        return age >= cls.MAX_AGE.total_seconds()

    @classmethod
    def discard(cls, request):
        stored = request.session.get(cls.SESSION_KEY)
        if stored:
            cls(**stored).delete(request)

    def open(self):
        return self.path.open("rb")

    def delete(self, request):
        self.path.unlink(missing_ok=True)
        request.session.pop(self.SESSION_KEY, None)
