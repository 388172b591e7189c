"""Budget imports started from a page: the file runs in the background and its page follows it.

An SP2D file can hold a million lines, more than one web request should wait for. The upload is
stored, `importing.budget_import` runs in a thread (or at once when ATENSI_IMPORT_SYNC is set,
as in tests), and its progress and result are written to a small JSON file beside the upload,
which the status page polls. A file rather than a table: progress must be visible while the
import's own transaction is still open, and the outcome of record is the ImportBatch and its
audit row that the import service writes; the job file is only the page's view of the run.
"""

import datetime as dt
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from atensi.accounts.access import can_import_budget
from atensi.accounts.models import Role
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied

from .importing import ImportResult, RowIssue, budget_import, import_report_xlsx
from .models import ImportBatch

logger = logging.getLogger(__name__)

SUFFIXES = {".csv", ".xlsx"}
# A job that has not moved for this long was cut off (server restart); its page says so.
STALE_SECONDS = 30 * 60
# Progress is written at most this often (seconds).
PROGRESS_EVERY = 0.5


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ImportJob:
    id: str
    user_id: int
    kind: str
    file_name: str
    upload: str
    valid_only: bool = False
    restatement_reason: str = ""
    status: str = JobStatus.QUEUED
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    result: dict | None = None
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_stale(self) -> bool:
        return not self.finished and time.time() - self.updated_at > STALE_SECONDS

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def kind_label(self) -> str:
        return str(ImportBatch.Kind(self.kind).label)

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.created_at, tz=dt.UTC)

    @property
    def batch(self) -> ImportBatch | None:
        pk = (self.result or {}).get("batch")
        return ImportBatch.objects.filter(pk=pk).first() if pk else None


def _directory() -> Path:
    path = Path(settings.DATA_DIR) / "budget-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(job_id: str) -> Path:
    if not (len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)):
        raise NotFound(_("Impor tidak ditemukan."))
    return _directory() / f"{job_id}.json"


def _save(job: ImportJob) -> None:
    job.updated_at = time.time()
    target = _path(job.id)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(job), ensure_ascii=False, default=str), "utf-8")
    os.replace(temporary, target)


def _load(job_id: str) -> ImportJob:
    try:
        data = json.loads(_path(job_id).read_text("utf-8"))
    except FileNotFoundError:
        raise NotFound(_("Impor tidak ditemukan.")) from None
    return ImportJob(**data)


def import_job_create(
    *, actor, kind: str, upload, valid_only: bool = False, restatement_reason: str = ""
) -> ImportJob:
    """Stores an uploaded budget file and queues its import; returns the job."""
    if not can_import_budget(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mengimpor data anggaran."))
    if kind not in ImportBatch.Kind.values:
        raise ApplicationError(_("Jenis impor tidak dikenal."), details={"kind": [kind]})
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ApplicationError(
            _("Format berkas tidak didukung; unggah berkas .csv atau .xlsx."),
            code="file_invalid",
            details={"file": [name]},
        )
    limit = settings.ATENSI_IMPORT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ApplicationError(
            _("Berkas terlalu besar; paling besar %d MB.") % settings.ATENSI_IMPORT_MAX_MB,
            code="file_invalid",
            details={"file": [name]},
        )
    job_id = uuid.uuid4().hex
    stored = _directory() / f"{job_id}{suffix}"
    with open(stored, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    stored.chmod(0o600)
    job = ImportJob(
        id=job_id,
        user_id=actor.pk,
        kind=kind,
        file_name=name[:200],
        upload=stored.name,
        valid_only=valid_only,
        restatement_reason=restatement_reason.strip(),
    )
    _save(job)
    return job


def import_job_start(*, job: ImportJob, sync: bool | None = None) -> None:
    """Runs the job in a background thread (or right away with ATENSI_IMPORT_SYNC / sync=True)."""
    if sync is None:
        sync = getattr(settings, "ATENSI_IMPORT_SYNC", False)
    if sync:
        import_job_run(job_id=job.id)
        return
    threading.Thread(
        target=_run_in_thread, args=(job.id,), name=f"atensi-budget-import-{job.id}", daemon=True
    ).start()


def _run_in_thread(job_id: str) -> None:
    try:
        import_job_run(job_id=job_id)
    finally:
        connections.close_all()


class _Progress:
    def __init__(self, job: ImportJob):
        self.job = job
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.job.stage and now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        self.job.stage, self.job.done, self.job.total = stage, done, total
        _save(self.job)


def import_job_run(*, job_id: str) -> ImportJob:
    """Runs a queued budget import and records its outcome on the job."""
    from atensi.accounts.models import User

    job = _load(job_id)
    job.status = JobStatus.RUNNING
    _save(job)
    upload = _directory() / job.upload
    try:
        actor = User.objects.select_related("unit").get(pk=job.user_id)
        result = budget_import(
            actor=actor,
            kind=job.kind,
            file=upload,
            file_name=job.file_name,
            valid_only=job.valid_only,
            restatement_reason=job.restatement_reason,
            progress=_Progress(job),
        )
    except ApplicationError as exc:
        job.status = JobStatus.FAILED
        job.message = str(exc.message)
        details = exc.details or {}
        if details.get("periods"):
            job.result = {"periods": details["periods"]}
    except Exception:  # the page must say it failed rather than spin for ever
        logger.exception("budget import %s failed", job_id)
        job.status = JobStatus.FAILED
        job.message = _("Impor gagal karena kesalahan sistem; tidak ada data yang diimpor.")
    else:
        job.status = JobStatus.DONE
        job.result = result.as_dict()
    finally:
        upload.unlink(missing_ok=True)
    _save(job)
    return job


def import_job_get(user, job_id: str) -> ImportJob:
    """Returns the job if `user` started it (or is an administrator), else NotFound."""
    job = _load(job_id)
    if job.user_id != user.pk and not (user.is_authenticated and user.role == Role.ADMIN):
        raise NotFound(_("Impor tidak ditemukan."))
    return job


def import_job_report(job: ImportJob) -> bytes:
    """Returns the problems of a finished job as an Excel workbook (row, column, message)."""
    result = ImportResult(kind=job.kind, file_name=job.file_name, valid_only=job.valid_only)
    for issue in (job.result or {}).get("issues", []):
        result.issues.append(RowIssue(issue["row"], issue["column"], issue["message"]))
    return import_report_xlsx(result)
