"""The PostgreSQL report store gives what the SQLite one gives, and 503 when it cannot write."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pg_cluster import PgCluster

from geozone.db.connection import Database, connect
from geozone.db.migrations import migrate
from geozone.db.report_store import PostgresReportStore
from geozone.errors import InvalidInput, ReportNotFound, ReportStoreUnavailable
from geozone.report_store import ReportStore, StoredReport
from geozone.signing import Signer
from geozone.stores import ReportStore as ReportStoreProtocol

GOLDEN = Path(__file__).resolve().parent / "golden"
ANSWERS = sorted(p for p in GOLDEN.glob("*.json") if p.name != "report_ids.json")


def answers() -> list[bytes]:
    """Real lookup answers: the pinned golden bodies (without their final newline)."""
    return [p.read_bytes().rstrip(b"\n") for p in ANSWERS]


def untimed(report: StoredReport) -> StoredReport:
    """The report without its timestamps (two stores may write a second apart)."""
    return dataclasses.replace(report, created_at="", last_asked_at="")


@pytest.fixture
def stores(pg_url: str) -> Iterator[tuple[ReportStore, PostgresReportStore]]:
    db = Database(pg_url)
    signer = Signer(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
    sqlite = ReportStore(":memory:", signer=signer)
    pg = PostgresReportStore(db, signer=signer)
    yield sqlite, pg
    sqlite.close()
    pg.close()
    db.close()


def test_both_stores_implement_the_protocol(
    stores: tuple[ReportStore, PostgresReportStore],
) -> None:
    sqlite, pg = stores
    assert isinstance(sqlite, ReportStoreProtocol) and isinstance(pg, ReportStoreProtocol)


def test_saved_reports_read_back_as_the_sqlite_store_gives_them(
    stores: tuple[ReportStore, PostgresReportStore],
) -> None:
    sqlite, pg = stores
    bodies = answers()
    assert len(bodies) >= 10
    ids = [pg.save(b, source="cli") for b in bodies[:4]]
    assert ids == [sqlite.save(b, source="cli") for b in bodies[:4]]
    ids += pg.save_many(bodies[4:8])
    assert ids[4:] == sqlite.save_many(bodies[4:8])
    async_ids = asyncio.run(_save_async(pg, bodies[8:]))
    assert async_ids == asyncio.run(_save_async(sqlite, bodies[8:]))
    ids += async_ids
    # asked again: counted, the first answer kept
    assert pg.save(bodies[0]) == sqlite.save(bodies[0]) == ids[0]
    sqlite.flush()
    pg.flush()
    for report_id, body in zip(ids, bodies, strict=True):
        a, b = sqlite.get(report_id), pg.get(report_id)
        assert untimed(a) == untimed(b)  # signatures included: the same bytes were signed
        assert b.answer_json.encode() == body  # the answer's bytes, verbatim
        assert b.signature is not None
        assert pg.signer is not None
        assert pg.signer.verify(report_id, b.answer_json, b.signature, b.key_id).valid
        assert b.to_dict()["answer"] == a.to_dict()["answer"]
    assert pg.get(ids[0]).times_asked == 2 and pg.get(ids[0]).source == "cli"
    assert pg.get(ids[1]).times_asked == 1
    assert pg.count() == sqlite.count() == len(bodies)
    assert pg.health() == {"writable": True, "error": None, "since": None}


async def _save_async(store: ReportStore | PostgresReportStore, bodies: list[bytes]) -> list[str]:
    return [await store.save_async(b) for b in bodies]


def test_bad_answers_and_unknown_ids(stores: tuple[ReportStore, PostgresReportStore]) -> None:
    _, pg = stores
    with pytest.raises(InvalidInput):
        pg.save(b'{"no": "report id"}')
    with pytest.raises(InvalidInput):
        pg.save_many([answers()[0], b'{"report_id": "short"}'])
    assert pg.count() == 0  # a refused batch stores none of its answers
    with pytest.raises(ReportNotFound):
        pg.get("0" * 32)
    with pytest.raises(ReportNotFound):
        pg.get("not-an-id")


def test_a_stopped_database_gives_503_and_the_store_recovers() -> None:
    cluster = PgCluster("reports").start()
    try:
        with connect(cluster.url(), autocommit=True) as conn:
            migrate(conn)
        db = Database(cluster.url(), wait_s=1.0)
        store = PostgresReportStore(db)
        first, second = answers()[:2]
        saved = store.save(first)
        cluster.stop()
        with pytest.raises(ReportStoreUnavailable) as raised:
            store.save(second)
        assert raised.value.status == 503 and raised.value.code == "report_store_unavailable"
        assert "password" not in raised.value.message and cluster.password not in str(
            raised.value.to_dict()
        )
        health = store.health()
        assert health["writable"] is False and health["error"] == "database_unavailable"
        assert health["since"] is not None
        with pytest.raises(ReportStoreUnavailable):
            store.get(saved)
        cluster.start()
        assert store.get(saved).answer_json.encode() == first  # acknowledged means durable
        second_id = store.save(second)  # nothing of the refused save was kept: stored now
        assert store.get(second_id).times_asked == 1
        assert store.health()["writable"] is True
        store.close()
        db.close()
    finally:
        cluster.destroy()


def test_new_answers_arriving_together_share_one_commit(
    pg_url: str, stores: tuple[ReportStore, PostgresReportStore]
) -> None:
    # another session locks the reports table: the writer's first commit waits on it
    # while 30 coroutines queue their answers; they are committed together after it
    _, pg = stores
    import psycopg

    body = answers()[0].decode("utf-8")
    old_id = body[body.index('"report_id":"') + 13 :][:32]

    def answer(n: int) -> str:
        return body.replace(old_id, f"{n:032x}")

    def waiting_on_a_lock() -> bool:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
        return bool(row and row[0])

    with psycopg.connect(pg_url, autocommit=False) as locker:
        locker.execute("LOCK TABLE geozone.reports IN EXCLUSIVE MODE")
        before = pg.commits

        async def together() -> list[str]:
            first = asyncio.ensure_future(pg.save_async(answer(1)))
            while not waiting_on_a_lock():  # the writer is in the first answer's commit
                await asyncio.sleep(0.02)
            rest = [asyncio.ensure_future(pg.save_async(answer(n))) for n in range(2, 32)]
            while len(pg._batch.rows) < 30:
                await asyncio.sleep(0.01)
            assert not first.done() and pg.commits == before  # nothing acknowledged yet
            locker.rollback()  # the lock goes
            return list(await asyncio.gather(first, *rest))

        ids = asyncio.run(together())
    assert ids == [f"{n:032x}" for n in range(1, 32)]
    assert pg.commits - before == 2
    assert pg.count() == 31
    assert pg.get(f"{17:032x}").answer_json == answer(17)
