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


def start_pool(threads: int) -> ThreadPoolExecutor:
    """A pool of ``threads`` threads, all started and with registered lanes on return.

    ThreadPoolExecutor starts its threads one per task; a task per thread that waits for
    all the others makes every thread start now, so a warm-up builds for each of them.
    """
    pool = ThreadPoolExecutor(
        max_workers=threads, thread_name_prefix=THREAD_PREFIX, initializer=register_current_thread
    )
    barrier = threading.Barrier(threads)
    for future in [pool.submit(barrier.wait, 30) for _ in range(threads)]:
        future.result()
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
