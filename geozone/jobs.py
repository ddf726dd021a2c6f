"""Background batch jobs: an uploaded file is looked up feature by feature in a worker thread.

Each job has a folder ``<jobs_dir>/<job_id>/`` holding the upload, ``job.json`` (its
state, rewritten atomically on every change) and, when done, the results as GeoJSON and
CSV. One worker thread runs jobs in submission order, so a large upload never takes
more than one core from the request handlers.

Limits (:class:`~geozone.settings.JobSettings`):

- a quota per client (anonymous clients by IP, token holders by token name): at most
  ``max_active_*`` queued or running jobs and ``max_per_hour_*`` jobs started in the last
  hour, else :class:`~geozone.errors.QuotaExceeded` (429 with ``Retry-After``);
- at most ``max_rows`` input rows (413 at submission) and ``max_result_bytes`` of results
  (the job fails);
- the folder holds at most ``max_total_bytes``: a submission that would pass it prunes
  expired jobs first, then is refused (507 ``jobs_storage_full``);
- a finished job's files are deleted ``retention_hours`` after it finished, by a sweep on
  a background thread (and on each submission); a small tombstone (its ``job.json``
  marked ``expired``) stays for :data:`TOMBSTONE_DAYS`, so fetching it answers 410
  ``job_expired`` rather than 404.

Quotas are counted in memory, per worker process. Nothing here sleeps in a request
thread: :meth:`JobRunner.wait` (tests, scripts) waits on an event.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geozone.errors import (
    GeozoneError,
    JobExpired,
    JobNotFound,
    QueryTooLarge,
    QuotaExceeded,
    StorageFull,
    without_paths,
)
from geozone.lanes import register_current_thread
from geozone.settings import JobSettings

log = logging.getLogger("geozone.jobs")

JobWork = Callable[[Path, Path], dict[str, Any]]
"""``work(upload_path, job_dir) -> summary``; writes ``result.geojson`` and ``result.csv``."""

RowCounter = Callable[[Path], int]
"""``count(upload_path) -> rows``: how many input rows an upload holds."""

_ID_CHARS = set("0123456789abcdef")
FINISHED = ("done", "failed")
EXPIRED = "expired"
TOMBSTONE_DAYS = 30
"""Days an expired job's tombstone (``job.json`` alone) is kept to answer 410."""
HOUR = 3600.0


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _ts(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass
class Job:
    """State of one batch job."""

    job_id: str
    status: str  # queued | running | done | failed | expired
    filename: str
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    message: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    expires_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return asdict(self)


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:  # deleted meanwhile by a sweep
            pass
    return total


class JobRunner:
    """Runs :data:`JobWork` callables in one background thread and tracks their state.

    Parameters
    ----------
    root
        Folder under which each job gets its own folder.
    settings
        Quotas, sizes and retention (defaults from :class:`~geozone.settings.JobSettings`).
    clock
        Seconds since the epoch (``time.time``; tests pass a fake clock).
    sweep
        Run the periodic expiry sweep on a background thread (tests may sweep by hand).
    """

    def __init__(
        self,
        root: Path,
        settings: JobSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sweep: bool = True,
    ) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.settings = settings or JobSettings()
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._done: dict[str, threading.Event] = {}
        self._owner: dict[str, str] = {}
        self._started: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="geozone-job", initializer=register_current_thread
        )  # one more lane (geozone.lanes): its indexes are its own
        self._stop = threading.Event()
        self._last_sweep = -math.inf
        self.sweep()
        self._sweeper: threading.Thread | None = None
        if sweep:
            self._sweeper = threading.Thread(
                target=self._sweep_loop, name="geozone-job-sweeper", daemon=True
            )
            self._sweeper.start()

    @property
    def retention_s(self) -> float:
        """Seconds a finished job's files are kept."""
        return self.settings.retention_hours * HOUR

    def job_dir(self, job_id: str) -> Path:
        """Folder of a job."""
        return self.root / job_id

    def _write(self, job: Job) -> None:
        folder = self.job_dir(job.job_id)
        tmp = folder / "job.json.tmp"
        tmp.write_text(json.dumps(job.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / "job.json")

    # -- quotas and storage ---------------------------------------------------------------

    def _check_quota(self, client: str, privileged: bool, now: float) -> None:
        """Raise QuotaExceeded when ``client`` has too many active or recent jobs (locked)."""
        cfg = self.settings
        max_active = cfg.max_active_token if privileged else cfg.max_active_anonymous
        per_hour = cfg.max_per_hour_token if privileged else cfg.max_per_hour_anonymous
        who = "token" if privileged else "anonymous client"
        active = sum(
            1
            for job_id, owner in self._owner.items()
            if owner == client and self._jobs[job_id].status not in FINISHED
        )
        if active >= max_active:
            raise QuotaExceeded(
                f"a {who} may have {max_active} queued or running jobs; wait for one to "
                "finish" + ("" if privileged else ", or use a token for a higher quota"),
                {"active_jobs": active, "max_active": max_active},
                retry_after=30,
            )
        recent = self._started.setdefault(client, deque())
        while recent and recent[0] <= now - HOUR:
            recent.popleft()
        if len(recent) >= per_hour:
            retry = int(recent[0] + HOUR - now) + 1 if recent else int(HOUR)
            raise QuotaExceeded(
                f"a {who} may start {per_hour} jobs per hour; try again in {retry} s"
                + ("" if privileged else ", or use a token for a higher quota"),
                {"jobs_last_hour": len(recent), "max_per_hour": per_hour},
                retry_after=retry,
            )

    def usage_bytes(self) -> int:
        """Bytes held by the jobs folder."""
        return _folder_bytes(self.root)

    def _check_storage(self, incoming: int) -> None:
        """Make room for ``incoming`` bytes: prune expired jobs, else raise StorageFull."""
        limit = self.settings.max_total_bytes
        used = self.usage_bytes()
        if used + incoming <= limit:
            return
        self.sweep(force=True)
        used = self.usage_bytes()
        if used + incoming > limit:
            raise StorageFull(
                f"the jobs folder is full ({used:,} of {limit:,} bytes, even after deleting "
                "expired results); try again later",
                {"used_bytes": used, "max_total_bytes": limit, "upload_bytes": incoming},
            )

    # -- submission and running -----------------------------------------------------------

    def submit(
        self,
        filename: str,
        data: bytes,
        work: JobWork,
        *,
        client: str = "anonymous",
        privileged: bool = False,
        count_rows: RowCounter | None = None,
    ) -> Job:
        """Store the upload and queue ``work`` on it; returns the queued job.

        Raises
        ------
        QuotaExceeded
            429: the client has too many active jobs or started too many this hour.
        StorageFull
            507: no room for the upload even after pruning expired jobs.
        QueryTooLarge
            413: the upload holds more than ``max_rows`` rows.
        """
        now = self.clock()
        with self._lock:
            self._check_quota(client, privileged, now)
        self.sweep()
        self._check_storage(len(data))
        job_id = uuid.uuid4().hex
        folder = self.job_dir(job_id)
        folder.mkdir(parents=True)
        safe_name = Path(filename).name or "upload"
        upload = folder / f"upload_{safe_name}"
        upload.write_bytes(data)
        if count_rows is not None:
            try:
                rows = count_rows(upload)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            if rows > self.settings.max_rows:
                shutil.rmtree(folder, ignore_errors=True)
                raise QueryTooLarge(
                    f"{safe_name} holds {rows} rows; a job may hold at most "
                    f"{self.settings.max_rows} (jobs.max_rows): split the file",
                    {"rows": rows, "max_rows": self.settings.max_rows},
                )
        job = Job(job_id=job_id, status="queued", filename=safe_name, created_at=_iso(now))
        with self._lock:
            self._check_quota(client, privileged, now)  # again: another request may have won
            self._jobs[job_id] = job
            self._done[job_id] = threading.Event()
            self._owner[job_id] = client
            self._started[client].append(now)
            self._write(job)
        self._pool.submit(self._run, job, upload, work)
        return job

    def _run(self, job: Job, upload: Path, work: JobWork) -> None:
        """Run one job, recording success or a safe failure message."""
        with self._lock:
            job.status, job.started_at = "running", _iso(self.clock())
            self._write(job)
        message: str | None = None
        folder = self.job_dir(job.job_id)
        try:
            summary = work(upload, folder)
            size = sum(p.stat().st_size for p in folder.glob("result.*"))
            if size > self.settings.max_result_bytes:
                for p in folder.glob("result.*"):
                    p.unlink(missing_ok=True)
                raise QueryTooLarge(
                    f"the result ({size:,} bytes) exceeds the limit of "
                    f"{self.settings.max_result_bytes:,} bytes (jobs.max_result_bytes); "
                    "split the file or ask for fewer activities",
                    {"result_bytes": size, "max_result_bytes": self.settings.max_result_bytes},
                )
        except GeozoneError as exc:
            status, message, summary = "failed", f"{exc.code}: {without_paths(exc.message)}", {}
        except Exception:
            log.exception("job %s failed", job.job_id)
            status, message, summary = "failed", "internal error while running the job", {}
        else:
            status = "done"
        with self._lock:
            finished = self.clock()
            job.status, job.message, job.summary = status, message, summary
            job.finished_at = _iso(finished)
            job.expires_at = _iso(finished + self.retention_s)
            self._write(job)
            event = self._done.get(job.job_id)
        if event is not None:
            event.set()

    # -- reading --------------------------------------------------------------------------

    def _load(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        state = self.job_dir(job_id) / "job.json"
        if len(job_id) != 32 or not set(job_id) <= _ID_CHARS or not state.is_file():
            raise JobNotFound(f"no job {job_id!r}", {"job_id": job_id})
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            known = Job.__dataclass_fields__
            return Job(**{k: v for k, v in data.items() if k in known})
        except (OSError, ValueError, TypeError):  # removed or rewritten meanwhile
            raise JobNotFound(f"no job {job_id!r}", {"job_id": job_id}) from None

    def get(self, job_id: str) -> Job:
        """A job's state (also jobs of an earlier process, read from ``job.json``).

        A finished job past its retention is expired on the spot, so the answer does
        not wait for the next sweep.

        Raises
        ------
        JobNotFound
            If there is no such job (404).
        JobExpired
            If the job's files were deleted after the retention period (410).
        """
        job = self._load(job_id)
        if job.status in FINISHED and self._is_expired(job, self.clock()):
            job = self._expire(job)
        if job.status == EXPIRED:
            raise JobExpired(
                f"job {job_id} expired: its results were deleted at {job.expires_at} "
                f"({self.settings.retention_hours:g} h after it finished); run it again",
                {"job_id": job_id, "expired_at": job.expires_at},
            )
        return job

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until a job has finished or ``timeout`` seconds passed (tests, scripts)."""
        with self._lock:
            event = self._done.get(job_id)
        if event is not None:
            event.wait(timeout)
        return self._load(job_id)

    # -- expiry ---------------------------------------------------------------------------

    def _is_expired(self, job: Job, now: float) -> bool:
        finished = _ts(job.finished_at) or _ts(job.created_at)
        return finished is not None and now - finished >= self.retention_s

    def _expire(self, job: Job) -> Job:
        """Delete a finished job's files, keeping its ``job.json`` as a tombstone."""
        folder = self.job_dir(job.job_id)
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.name == "job.json":
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        finished = _ts(job.finished_at) or _ts(job.created_at) or self.clock()
        tomb = Job(
            job_id=job.job_id,
            status=EXPIRED,
            filename=job.filename,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            message="expired: results deleted after the retention period",
            expires_at=_iso(finished + self.retention_s),
        )
        with self._lock:
            if folder.is_dir():
                self._write(tomb)
            self._jobs.pop(job.job_id, None)
            self._done.pop(job.job_id, None)
            self._owner.pop(job.job_id, None)
        return tomb

    def sweep(self, *, force: bool = False) -> int:
        """Expire finished jobs past retention and drop old tombstones; returns jobs expired.

        Runs at most every ``sweep_interval_s`` unless ``force``.
        """
        now = self.clock()
        if not force and now - self._last_sweep < self.settings.sweep_interval_s:
            return 0
        self._last_sweep = now
        expired = 0
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if not folder.is_dir() or len(folder.name) != 32:
                continue
            try:
                job = self._load(folder.name)
            except JobNotFound:
                continue
            if job.status in FINISHED and self._is_expired(job, now):
                self._expire(job)
                expired += 1
            elif job.status == EXPIRED:
                gone = _ts(job.expires_at)
                if gone is not None and now - gone > TOMBSTONE_DAYS * 86400:
                    shutil.rmtree(folder, ignore_errors=True)
        return expired

    def _sweep_loop(self) -> None:
        """The background sweeper: sweep, then wait ``sweep_interval_s`` (or until stopped)."""
        while not self._stop.wait(self.settings.sweep_interval_s):
            try:
                self.sweep(force=True)
            except Exception:  # never let the sweeper die silently on one odd folder
                log.exception("job sweep failed")

    def shutdown(self) -> None:
        """Stop accepting jobs, stop the sweeper and wait for the running job."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
