"""A throw-away PostgreSQL 15 + PostGIS 3 cluster for the tests (and ``scripts/pg_local.py``).

:class:`PgCluster` runs ``initdb`` in a temporary folder, starts ``postgres`` with
``pg_ctl`` on 127.0.0.1 at a free port (no Unix socket outside the folder), creates a
database and stops and deletes everything at the end. ``initdb`` refuses to run as root:
then the cluster runs as the ``postgres`` system user (``runuser``) in a folder it owns.

A missing binary raises :class:`ClusterUnavailable` naming the Debian packages to
install (``bash scripts/install-system-deps.sh``): the tests fail, never skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("GEOZONE_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
INSTALL_HINT = (
    "install PostgreSQL 15 and PostGIS 3 (Debian: postgresql-15 postgresql-15-postgis-3; "
    "run `bash scripts/install-system-deps.sh` as root)"
)


class ClusterUnavailable(RuntimeError):
    """A component of the test cluster is missing or would not start."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One PostgreSQL cluster in a temporary folder, on loopback.

    Parameters
    ----------
    dbname
        The database created at start (with the ``postgis`` extension available).
    """

    def __init__(self, dbname: str = "geozone") -> None:
        self.dbname = dbname
        self.port = free_port()
        self.user = "geozone"
        self.password = "test-secret"
        self.root: Path | None = None
        self._as: list[str] = []
        self.running = False

    # -- life cycle

    def _check(self) -> None:
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (BIN / tool).is_file():
                raise ClusterUnavailable(f"{BIN / tool} is missing: {INSTALL_HINT}")
        if not POSTGIS_CONTROL.is_file():
            raise ClusterUnavailable(f"PostGIS is missing ({POSTGIS_CONTROL}): {INSTALL_HINT}")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=120, cwd="/"
        )
        if check and proc.returncode != 0:
            raise ClusterUnavailable(
                f"{Path(args[0]).name} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}"
            )
        return proc

    @property
    def data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    def start(self) -> PgCluster:
        """initdb (first time), start the server, create the role and the database."""
        self._check()
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="geozone-pg-"))
            if os.geteuid() == 0:
                pg = pwd.getpwnam("postgres")
                os.chown(self.root, pg.pw_uid, pg.pw_gid)
                self._as = ["runuser", "-u", "postgres", "--"]
            pwfile = self.root / "pw"
            pwfile.write_text(self.password + "\n")
            if self._as:
                pg = pwd.getpwnam("postgres")
                os.chown(pwfile, pg.pw_uid, pg.pw_gid)
            self._run(
                str(BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                self.user,
                "--pwfile",
                str(pwfile),
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
            )
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                    "full_page_writes = off\nsynchronous_commit = on\nmax_connections = 100\n"
                )
            self._pg_ctl_start()
            self._createdb()
        else:
            self._pg_ctl_start()
        return self

    def _pg_ctl_start(self) -> None:
        self._run(
            str(BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log") if self.root else "/dev/null",
            "-w",
            "-t",
            "60",
            "start",
        )
        self.running = True

    def _createdb(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{self.dbname}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server (fast shutdown); the folder stays for :meth:`start`."""
        if self.running and self.root is not None:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def destroy(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self.stop()
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    # -- addresses

    def url(self, dbname: str | None = None) -> str:
        """``postgresql://`` URL of a database of the cluster (default :attr:`dbname`)."""
        return (
            f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/"
            f"{dbname or self.dbname}"
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create another database (empty, or a copy of ``template``); its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server log (for failure messages)."""
        if self.root is None:
            return ""
        try:
            return (self.root / "server.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""
