"""The figures README.md and layers/README.md print are the engine's, regenerated here.

A stale figure (the engine changed, the text did not) fails the suite: the README's Python
example is run and its printed output compared with the text block after it, and the
layers/README.md table of measured figures is recomputed from the shipped layers.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely

import geozone
from geozone.coverage.catalog import coverage_for_catalog, frame_of, layers_of
from geozone.vocab import LayerKind

ROOT = Path(__file__).resolve().parent.parent


def _example(text: str) -> tuple[str, str]:
    """The first ```python block after "### From Python" and the ```text block after it."""
    section = text[text.index("### From Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    shown = re.search(r"```text\n(.*?)```", section[code.end() :], re.S)
    assert shown is not None
    return code.group(1), shown.group(1)


def test_readme_python_example_prints_what_the_readme_shows(demo_layers_dir, monkeypatch):
    monkeypatch.setenv("GEOZONE_LAYERS_DIR", str(demo_layers_dir))
    code, shown = _example((ROOT / "README.md").read_text(encoding="utf-8"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    got = [line.rstrip() for line in out.getvalue().strip().splitlines()]
    assert got == [line.rstrip() for line in shown.strip().splitlines()]


def _table(text: str) -> list[dict[str, str]]:
    """Rows of the "Measured figures" table of layers/README.md as {header: cell}."""
    lines = [ln for ln in text[text.index("## Measured figures") :].splitlines()
             if ln.startswith("|")]  # fmt: skip
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    header, body = rows[0], rows[2:]
    table = []
    for r in body:
        table.append(dict(zip(header, r, strict=True)))
        if len(table) == 3:
            break
    return table


@pytest.fixture(scope="module")
def demo():
    return geozone.open_layers(ROOT / "layers")


def _share(geoms: np.ndarray, district: shapely.Geometry) -> float:
    return float(shapely.intersection(shapely.union_all(geoms), district).area)


def test_layers_readme_figures_are_the_engines(demo):
    rows = _table((ROOT / "layers" / "README.md").read_text(encoding="utf-8"))
    assert [r["district"].split()[1] for r in rows] == ["110112", "110117", "110118"]
    admin = frame_of(layers_of(demo, LayerKind.ADMIN, None))
    zones = frame_of(layers_of(demo, LayerKind.CONTROL_ZONE, None))
    parks = frame_of(layers_of(demo, LayerKind.PARK, None))
    homes = frame_of(layers_of(demo, LayerKind.RESIDENTIAL, None))
    red = {v: frame_of(layers_of(demo, LayerKind.REDLINE, day))
           for v, day in (("2021", date(2023, 1, 1)), ("2026", date(2026, 6, 1)))}  # fmt: skip
    for row in rows:
        code = row["district"].split()[1]
        outline = admin[admin["feature_id"].astype(str) == code].geometry.iloc[0]
        area = outline.area
        assert row["outline km²"] == f"{area / 1e6:.2f}"
        for v, frame in red.items():
            km2 = _share(np.asarray(frame.geometry.values, dtype=object), outline)
            assert row[f"red line {v} km² (%)"] == f"{km2 / 1e6:.2f} ({100 * km2 / area:.2f})"
        for cls, col in (("eco_control", "eco_control %"), ("restricted", "restricted %"),
                         ("concentrated", "concentrated %")):  # fmt: skip
            geoms = np.asarray(zones[zones["zone_class"] == cls].geometry.values, dtype=object)
            assert row[col] == f"{100 * _share(geoms, outline) / area:.2f}", (code, col)
        # the plans' 500 m coverage of 0701 land in the district's 集中建设区
        cov = coverage_for_catalog(demo, code, preset="radius500", by=None, extent="urban")
        assert row["500 m coverage %"] == f"{100 * cov.ratio:.2f}", code
        assert row["parks"] == str(int((parks["district_code"].astype(str) == code).sum()))
        mine = homes[homes["district_code"].astype(str) == code]
        assert row["0701"] == str(int((mine["zone_class"] == "0701").sum()))
        assert row["0703"] == str(int((mine["zone_class"] == "0703").sum()))
