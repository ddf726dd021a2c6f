"""Background batch jobs: an uploaded file is looked up feature by feature in a worker thread.

Each job has a folder ``<jobs_dir>/<job_id>/`` holding the upload, ``job.json`` (its
state, rewritten atomically on every change) and, when done, the results as GeoJSON and
CSV. One worker thread runs jobs in submission order, so a large upload never takes
more than one core from the request handlers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geozone.errors import GeozoneError, JobNotFound, without_paths
from geozone.lanes import register_current_thread

log = logging.getLogger("api.jobs")

JobWork = Callable[[Path, Path], dict[str, Any]]
"""``work(upload_path, job_dir) -> summary``; writes ``result.geojson`` and ``result.csv``."""

_ID_CHARS = set("0123456789abcdef")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Job:
    """State of one batch job."""

    job_id: str
    status: str  # queued | running | done | failed
    filename: str
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    message: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return asdict(self)


class JobRunner:
    """Runs :data:`JobWork` callables in one background thread and tracks their state.

    Parameters
    ----------
    root
        Folder under which each job gets its own folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="geozone-job", initializer=register_current_thread
        )  # one more lane (geozone.lanes): its indexes are its own

    def job_dir(self, job_id: str) -> Path:
        """Folder of a job."""
        return self.root / job_id

    def _write(self, job: Job) -> None:
        folder = self.job_dir(job.job_id)
        tmp = folder / "job.json.tmp"
        tmp.write_text(json.dumps(job.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / "job.json")

    def submit(self, filename: str, data: bytes, work: JobWork) -> Job:
        """Store the upload and queue ``work`` on it; returns the queued job."""
        job_id = uuid.uuid4().hex
        folder = self.job_dir(job_id)
        folder.mkdir(parents=True)
        safe_name = Path(filename).name or "upload"
        upload = folder / f"upload_{safe_name}"
        upload.write_bytes(data)
        job = Job(job_id=job_id, status="queued", filename=safe_name, created_at=_now())
        with self._lock:
            self._jobs[job_id] = job
            self._write(job)
        self._pool.submit(self._run, job, upload, work)
        return job

    def _run(self, job: Job, upload: Path, work: JobWork) -> None:
        """Run one job, recording success or a safe failure message."""
        with self._lock:
            job.status, job.started_at = "running", _now()
            self._write(job)
        message: str | None = None
        try:
            summary = work(upload, self.job_dir(job.job_id))
        except GeozoneError as exc:
            status, message, summary = "failed", f"{exc.code}: {without_paths(exc.message)}", {}
        except Exception:
            log.exception("job %s failed", job.job_id)
            status, message, summary = "failed", "internal error while running the job", {}
        else:
            status = "done"
        with self._lock:
            job.status, job.message, job.summary = status, message, summary
            job.finished_at = _now()
            self._write(job)

    def get(self, job_id: str) -> Job:
        """A job's state (also jobs of an earlier process, read from ``job.json``).

        Raises
        ------
        JobNotFound
            If there is no such job.
        """
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        state = self.job_dir(job_id) / "job.json"
        if len(job_id) != 32 or not set(job_id) <= _ID_CHARS or not state.is_file():
            raise JobNotFound(f"no job {job_id!r}", {"job_id": job_id})
        return Job(**json.loads(state.read_text(encoding="utf-8")))

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until a job has finished or ``timeout`` seconds passed (tests, scripts)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job.status not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.05)
            job = self.get(job_id)
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for the running one."""
        self._pool.shutdown(wait=True, cancel_futures=True)
