"""Layer data leaves the GC's full passes once built; a replaced generation is collected.

See :mod:`geozone.long_lived`. Frozen objects are absent from ``gc.get_objects()`` (it
lists the three generations, not the permanent one), which is what these tests read.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_admin import make_layers, retire_v1, settings_for

from api.main import create_app
from geozone import long_lived


class Node:
    """A GC-tracked object that can be in a reference cycle and weakly referenced."""

    def __init__(self) -> None:
        self.me = self


def _tracked(obj: object) -> bool:
    """Whether the collector's generations (not the frozen ones) hold ``obj``."""
    return any(o is obj for o in gc.get_objects())


def _wait_for_settle(before: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while long_lived.settles() <= before:
        assert time.monotonic() < deadline, "no settle within the time allowed"
        time.sleep(0.05)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    long_lived.disable()  # unfreezes: no test leaves frozen objects behind


def test_a_settle_freezes_what_is_alive_and_a_full_one_collects_frozen_cycles(
    unfrozen: None,
) -> None:
    node = Node()
    assert _tracked(node)
    long_lived.settle()
    assert not _tracked(node)  # frozen: full passes no longer walk it
    ref = weakref.ref(node)
    del node
    gc.collect()
    assert ref() is not None  # a frozen cycle outlives a collection ...
    long_lived.settle()
    assert ref() is not None  # ... and a young settle
    long_lived.settle(full=True)
    assert ref() is None  # a full settle (after a generation was replaced) collects it


def test_survivors_of_a_full_pass_are_frozen_while_enabled(unfrozen: None) -> None:
    long_lived.enable()
    node = Node()
    gc.collect()  # a full pass: its survivors are frozen by the hook
    assert not _tracked(node)
    long_lived.disable()
    other = Node()
    gc.collect()
    assert _tracked(other)  # off again: nothing is frozen behind the collector's back


def test_settle_soon_does_nothing_until_enabled(unfrozen: None) -> None:
    long_lived.disable()
    before = long_lived.settles()
    long_lived.settle_soon(full=True)
    time.sleep(long_lived.QUIET_SECONDS + 0.5)
    assert long_lived.settles() == before


def test_the_service_freezes_its_layers_and_collects_a_replaced_generation(
    tmp_path: Path, unfrozen: None
) -> None:
    layers_dir = make_layers(tmp_path / "layers")
    before = long_lived.settles()
    with TestClient(create_app(settings_for(layers_dir))) as client:
        _wait_for_settle(before)
        catalog = client.app.state.layers.catalog  # type: ignore[attr-defined]
        geometry = catalog.all_versions()[0].frame.geometry.iloc[0]
        assert not _tracked(geometry)
        assert not _tracked(catalog)
        old = weakref.ref(catalog)
        del catalog, geometry
        settled = long_lived.settles()
        retire_v1(client)  # a new generation is published
        _wait_for_settle(settled)
        gc.collect()
        assert old() is None  # the replaced generation is gone, cycles and all
        assert client.get("/api/v1/lookup", params={"lon": 116.9, "lat": 40.4}).status_code == 200
