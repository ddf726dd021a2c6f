"""Worker processes for ``geozone serve --workers N``: one listening socket per worker.

uvicorn's own supervisor binds one socket and shares it: every idle worker wakes for a
new connection and the first to accept takes it, so a client's burst of keep-alive
connections can land on one worker while the others idle. Measured with wrk (32
connections, 2 workers, ``benchmarks/bench_api.py``'s lookups): in 2 of 12 runs every
connection went to one worker (half the throughput, p99 40-45 ms instead of ~27 ms),
and splits such as 23/9 were common.

Here each worker listens on its own socket bound to the same address with
``SO_REUSEPORT`` (Linux), and the kernel spreads new connections over the sockets by a
hash of their addresses: 16 ± 3 of 32 per worker, never all on one. The sockets are
bound by this (parent) process before any worker starts, so a busy port fails at once,
and a worker that dies is replaced on the same socket: connections that arrive
meanwhile wait in its queue instead of being refused.

The workers are uvicorn servers (``uvicorn.Server``) with the configuration
``geozone serve`` builds; only the supervision is ours (about what uvicorn's does:
start, replace a dead worker, stop on SIGINT/SIGTERM, give up when a worker fails at
start-up, e.g. on a broken layer set).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.context import SpawnProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("uvicorn.error")

_spawn = multiprocessing.get_context("spawn")
multiprocessing.allow_connection_pickling()  # sockets go to the workers as arguments


def reuse_port_available() -> bool:
    """True where the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux).

    BSD and macOS have the option too, but there the last socket bound takes every
    connection, so they keep uvicorn's shared socket.
    """
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` that other ``SO_REUSEPORT`` sockets share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def _serve(config: uvicorn.Config, sock: socket.socket) -> None:
    """A worker: one uvicorn server on its own socket (runs in a spawned process)."""
    config.configure_logging()
    # Ctrl-C reaches the whole process group: the server shuts down, the parent stops us
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


def _start(config: uvicorn.Config, sock: socket.socket) -> SpawnProcess:
    process = _spawn.Process(target=_serve, args=(config, sock), name="geozone-worker")
    process.start()
    log.info("Started worker process [%s]", process.pid)
    return process


def run_workers(config: uvicorn.Config, workers: int) -> int:
    """Serve ``config`` with ``workers`` processes, one ``SO_REUSEPORT`` socket each.

    Returns when SIGINT or SIGTERM arrives (after the workers have shut down) or when a
    worker fails at start-up; the return value is the process exit status.

    Raises
    ------
    OSError
        If the address cannot be bound (e.g. the port is in use).
    """
    sockets = [bind_reuse_port(config.host, config.port, config.backlog) for _ in range(workers)]
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("Received %s, stopping the workers", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    status = 0
    url = f"http://{f'[{config.host}]' if ':' in config.host else config.host}:{config.port}"
    log.info("geozone on %s: %d workers, one SO_REUSEPORT socket each", url, workers)
    processes = [_start(config, sock) for sock in sockets]
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("Worker [%s] failed to start; stopping", process.pid)
                    stop.set()
                    status = STARTUP_FAILURE
                    break
                log.warning(
                    "Worker [%s] died (exit %s); replacing it", process.pid, process.exitcode
                )
                processes[i] = _start(config, sockets[i])
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests
        for process in processes:
            process.join(timeout=config.timeout_graceful_shutdown or 30)
            if process.is_alive():
                process.kill()
                process.join()
        for sock in sockets:
            sock.close()
    return status
