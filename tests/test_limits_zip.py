"""Zip uploads are checked before anything is extracted (issue #16: a 4 GiB zip bomb)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from geozone import layer_changes as layer_admin
from geozone.errors import InvalidInput, QueryTooLarge
from geozone.layer_changes import MAX_ZIP_ENTRIES, _unpack


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _written(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_zip_bomb_refused_before_extraction(tmp_path: Path) -> None:
    bomb = _zip({"red.shp": bytes(50_000_000), "red.dbf": b"x", "red.shx": b"x"})
    assert len(bomb) < 100_000  # 50 MB of zeros deflate to ~50 KB
    with pytest.raises(InvalidInput, match=r"compressed \d+ times"):
        _unpack(bomb, "bomb.zip", tmp_path)
    assert _written(tmp_path) == 0


def test_zip_over_total_size_refused_before_extraction(tmp_path: Path) -> None:
    data = _zip({"red.shp": bytes(3_000_000)})
    with pytest.raises(QueryTooLarge, match="expands to 3,000,000 bytes"):
        _unpack(data, "big.zip", tmp_path, max_bytes=1_000_000)
    assert _written(tmp_path) == 0


def test_zip_extraction_counts_bytes_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the directory check fooled, the bytes written are counted and stop at the cap."""
    data = _zip({"red.shp": b"\x01" * 600_000, "red.dbf": b"\x02" * 600_000})
    monkeypatch.setattr(layer_admin, "_check_zip", lambda zf, name, limit: zf.infolist())
    with pytest.raises(QueryTooLarge, match="more than 1,000,000"):
        _unpack(data, "lying.zip", tmp_path, max_bytes=1_000_000)
    assert _written(tmp_path) <= 1_000_000


def test_zip_too_many_entries(tmp_path: Path) -> None:
    data = _zip({f"f{i}.txt": b"x" for i in range(MAX_ZIP_ENTRIES + 1)})
    with pytest.raises(QueryTooLarge, match="entries"):
        _unpack(data, "many.zip", tmp_path)
    assert _written(tmp_path) == 0


def test_zip_names_clashing_after_flattening(tmp_path: Path) -> None:
    data = _zip({"a/red.shp": b"1", "b/red.shp": b"2"})
    with pytest.raises(InvalidInput, match="two files named"):
        _unpack(data, "clash.zip", tmp_path)


def test_zip_ordinary_shapefile_still_unpacks(tmp_path: Path) -> None:
    data = _zip({"layer/red.shp": b"s" * 1000, "layer/red.dbf": b"d", "layer/red.shx": b"x"})
    assert _unpack(data, "ok.zip", tmp_path).name == "red.shp"
