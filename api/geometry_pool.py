"""The geometry pool: a fixed set of threads for geometry work off the event loop.

Routes that do geometry work too long for the event loop (parcel and batch lookups,
coverage, OGC items) run it here, not in anyio's thread pool (up to 40 threads): each
thread of this pool has its own lane (:mod:`geozone.lanes`), built at start and on every
catalog warm-up, so a process holds at most ``geometry_threads`` + 1 (the event loop) +
1 (the batch-job thread) lanes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from fastapi.responses import JSONResponse
from pydantic import TypeAdapter
from starlette.requests import Request

from geozone.lanes import register_current_thread

P = ParamSpec("P")
T = TypeVar("T")

THREAD_PREFIX = "geozone-geometry"


def start_pool(threads: int, warm: Callable[[], None] | None = None) -> ThreadPoolExecutor:
    """A pool of ``threads`` threads, all started and with registered lanes on return.

    ThreadPoolExecutor starts its threads one per task; a task per thread that waits for
    all the others makes every thread start now. With ``warm``, each thread then runs
    ``warm()`` for its own lane (e.g. building today's lookup index) in the background:
    the service answers ``/healthz`` and points meanwhile, and a geometry request that
    arrives that early queues behind its thread's warm-up (measured ~0.2 s a lane on
    the demo layers), so start-up no longer waits for every lane in turn.
    """
    pool = ThreadPoolExecutor(
        max_workers=threads, thread_name_prefix=THREAD_PREFIX, initializer=register_current_thread
    )
    started = threading.Barrier(threads + 1)  # every pool thread, and this one

    def start() -> None:
        started.wait(30)
        if warm is not None:
            warm()  # in this pool thread: it builds its own lane's objects

    for _ in range(threads):
        pool.submit(start)
    started.wait(30)  # each thread has run its initializer: its lane is registered
    return pool


async def run_in_pool(request: Request, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn(*args, **kwargs)`` in the app's geometry pool and await its result."""
    pool: ThreadPoolExecutor = request.app.state.geometry_pool
    return await asyncio.wrap_future(pool.submit(fn, *args, **kwargs))


_JSON_OBJECT = TypeAdapter(dict[str, Any])


def json_response(data: dict[str, Any]) -> JSONResponse:
    """``data`` as FastAPI would send a route's ``dict`` return value, rendered here.

    Called in the pool, so a large answer is encoded off the event loop too.
    """
    return JSONResponse(_JSON_OBJECT.dump_python(data, mode="json"))
