"""Service-radius presets: which parks count towards coverage, and at what radius.

A preset is a table of :class:`Tier` rows. A park takes the **largest** radius among the
rows it matches (so the order of rows does not matter); a park that matches no row does
not count. Park size is the park polygon's area in m² (EPSG:4548); the radius is in metres
and is buffered from the park boundary (straight-line caliber, see ``standards.md`` §B.1).

Built-in presets
----------------
``gbt50563``
    GB/T 50563-2010 城市园林绿化评价标准 (and the 2016 国家园林城市系列标准): any 公园绿地
    ≥ 5,000 m² → 500 m; 2,000 m² ≤ area < 5,000 m² → 300 m; inside 历史文化街区 (park
    attribute ``historic`` true) parks ≥ 1,000 m² → 300 m. Smaller parks do not count.
``gbt51346``
    GB/T 51346-2019 城市绿地规划标准 (planning caliber): 综合公园 > 10 hm², 社区公园 and
    专类公园 > 1 hm² → 500 m (strictly greater, as the standard words it). 游园 (pocket
    parks) are not counted.
``radius500``
    Beijing's headline indicator 公园绿地500米服务半径覆盖率: every park at 500 m.

A custom table is read from YAML or CSV (:func:`load_preset_file`) with the columns
``class, min_area_m2, max_area_m2, radius_m, historic``: an empty ``class`` matches any
park class, an empty ``max_area_m2`` means no upper bound (the upper bound is exclusive),
and ``historic`` is ``true`` (only historic parks), ``false`` (only others) or empty (any).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from geozone.errors import InvalidInput, UnknownClass
from geozone.vocab import LayerKind, normalize_class

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Tier:
    """One row of a preset: parks of a class and size band get a service radius.

    Attributes
    ----------
    park_class
        Park class code (``comprehensive``, ``specialized``, ``community``, ``pocket``),
        or ``None`` for any class.
    min_area_m2
        Smallest park area in m² (inclusive).
    max_area_m2
        Upper bound of the park area in m² (exclusive), ``None`` for none.
    radius_m
        Service radius in metres, buffered from the park boundary.
    historic
        ``True``: only parks inside historic districts; ``False``: only parks outside;
        ``None``: any park.
    min_inclusive
        Whether a park of exactly ``min_area_m2`` matches (``False`` for "> 10 hm²").
    """

    park_class: str | None
    min_area_m2: float
    max_area_m2: float | None
    radius_m: float
    historic: bool | None = None
    min_inclusive: bool = True

    def matches(
        self, classes: npt.NDArray[np.object_], areas: FloatArray, historic: BoolArray
    ) -> BoolArray:
        """Boolean mask of the parks this row applies to."""
        mask = areas >= self.min_area_m2 if self.min_inclusive else areas > self.min_area_m2
        if self.max_area_m2 is not None:
            mask &= areas < self.max_area_m2
        if self.park_class is not None:
            mask &= classes == self.park_class
        if self.historic is not None:
            mask &= historic == self.historic
        return np.asarray(mask, dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row."""
        return {
            "class": self.park_class,
            "min_area_m2": self.min_area_m2,
            "max_area_m2": self.max_area_m2,
            "radius_m": self.radius_m,
            "historic": self.historic,
            "min_inclusive": self.min_inclusive,
        }


@dataclass(frozen=True)
class Preset:
    """A named table of :class:`Tier` rows with its source.

    ``name`` is the code a request gives (``gbt50563``); ``title_zh``/``title_en`` are what a
    person reads (the standard's number, year and title, e.g. "GB/T 50563-2010
    城市园林绿化评价标准"); ``standard`` and ``year`` are the standard's number and year
    (``None`` for a local indicator or a custom table).
    """

    name: str
    tiers: tuple[Tier, ...]
    source: str
    title_zh: str = ""
    title_en: str = ""
    standard: str | None = None
    year: int | None = None

    def radii(
        self,
        classes: Sequence[object] | npt.NDArray[np.object_],
        areas_m2: npt.ArrayLike,
        historic: npt.ArrayLike,
    ) -> FloatArray:
        """Service radius in metres per park; ``0.0`` for parks that do not count.

        Examples
        --------
        >>> get_preset("gbt50563").radii(["pocket"] * 4, [1999, 2000, 6000, 1000],
        ...                              [False, False, False, True]).tolist()
        [0.0, 300.0, 500.0, 300.0]
        """
        cls = np.asarray(list(classes), dtype=object)
        area = np.asarray(areas_m2, dtype=np.float64)
        hist = np.asarray(historic, dtype=bool)
        out = np.zeros(len(area), dtype=np.float64)
        for tier in self.tiers:
            mask = tier.matches(cls, area, hist)
            out[mask] = np.maximum(out[mask], tier.radius_m)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "name": self.name,
            "title_zh": self.title_zh or self.name,
            "title_en": self.title_en or self.name,
            "standard": self.standard,
            "year": self.year,
            "source": self.source,
            "tiers": [t.to_dict() for t in self.tiers],
        }


PRESETS: dict[str, Preset] = {
    "gbt50563": Preset(
        "gbt50563",
        (
            Tier(None, 5_000.0, None, 500.0),
            Tier(None, 2_000.0, 5_000.0, 300.0),
            Tier(None, 1_000.0, None, 300.0, historic=True),
        ),
        "GB/T 50563-2010 城市园林绿化评价标准; 国家园林城市系列标准 (建城〔2016〕235号)",
        title_zh="GB/T 50563-2010 城市园林绿化评价标准",
        title_en="GB/T 50563-2010 Standard for urban landscaping evaluation",
        standard="GB/T 50563",
        year=2010,
    ),
    "gbt51346": Preset(
        "gbt51346",
        (
            Tier("comprehensive", 100_000.0, None, 500.0, min_inclusive=False),
            Tier("community", 10_000.0, None, 500.0, min_inclusive=False),
            Tier("specialized", 10_000.0, None, 500.0, min_inclusive=False),
        ),
        "GB/T 51346-2019 城市绿地规划标准 (游园 not counted)",
        title_zh="GB/T 51346-2019 城市绿地规划标准",
        title_en="GB/T 51346-2019 Standard for planning of urban green space",
        standard="GB/T 51346",
        year=2019,
    ),
    "radius500": Preset(
        "radius500",
        (Tier(None, 0.0, None, 500.0),),
        "北京市 公园绿地500米服务半径覆盖率 (every park at 500 m)",
        title_zh="北京市 公园绿地500米服务半径覆盖率",
        title_en="Beijing: share of land within 500 m of a park",
    ),
}

_ALIASES = {"gbt50563_2010": "gbt50563", "gbt51346_2019": "gbt51346", "beijing_500m": "radius500"}


def _opt_float(value: object, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: {value!r} is not a number", {"where": where}) from None
    if not np.isfinite(out) or out < 0:
        raise InvalidInput(f"{where}: {value!r} must be a finite number >= 0", {"where": where})
    return out


def _opt_bool(value: object, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in {"", "any", "*"}:
        return None
    if text in {"true", "1", "yes", "y", "是"}:
        return True
    if text in {"false", "0", "no", "n", "否"}:
        return False
    raise InvalidInput(f"{where}: {value!r} is not true/false/empty", {"where": where})


def _tier_from_row(row: dict[str, Any], where: str) -> Tier:
    unknown = set(row) - {"class", "min_area_m2", "max_area_m2", "radius_m", "historic"}
    if unknown:
        raise InvalidInput(f"{where}: unknown column(s) {sorted(unknown)}", {"where": where})
    raw_class = row.get("class")
    park_class = None
    if raw_class is not None and str(raw_class).strip() not in {"", "*"}:
        try:
            park_class = normalize_class(LayerKind.PARK, str(raw_class))
        except UnknownClass as exc:
            raise InvalidInput(f"{where}: {exc.message}", exc.detail) from None
    radius = _opt_float(row.get("radius_m"), f"{where}.radius_m")
    if radius is None or radius <= 0:
        raise InvalidInput(f"{where}.radius_m: a radius > 0 is required", {"where": where})
    return Tier(
        park_class,
        _opt_float(row.get("min_area_m2"), f"{where}.min_area_m2") or 0.0,
        _opt_float(row.get("max_area_m2"), f"{where}.max_area_m2"),
        radius,
        _opt_bool(row.get("historic"), f"{where}.historic"),
    )


def parse_preset_table(text: str, name: str, fmt: str) -> Preset:
    r"""Parse a custom preset table given as CSV or YAML text.

    YAML may be a list of rows or a mapping with ``tiers:`` (and optional ``name``).

    Raises
    ------
    InvalidInput
        Naming the row and column of any bad value.

    Examples
    --------
    >>> p = parse_preset_table("class,min_area_m2,max_area_m2,radius_m,historic\n"
    ...                        ",1000,,400,\n", "mine", "csv")
    >>> p.radii(["community"], [1500.0], [False]).tolist()
    [400.0]
    """
    if fmt == "csv":
        rows: list[Any] = list(csv.DictReader(io.StringIO(text)))
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInput(f"{name}: not valid YAML: {exc}", {"file": name}) from None
        if isinstance(data, dict):
            name = str(data.get("name", name))
            data = data.get("tiers")
        if not isinstance(data, list):
            raise InvalidInput(f"{name}: expected a list of tiers", {"file": name})
        rows = data
    tiers = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInput(f"{name}: row {i + 1} is not a mapping", {"file": name})
        tiers.append(_tier_from_row(row, f"{name}: row {i + 1}"))
    if not tiers:
        raise InvalidInput(f"{name}: the preset table has no rows", {"file": name})
    return Preset(name, tuple(tiers), f"custom table {name}")


def load_preset_file(path: Path | str) -> Preset:
    """Read a custom preset table from a ``.csv``, ``.yaml`` or ``.yml`` file."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"preset file {p.name!r} not found", {"file": str(p)})
    fmt = "csv" if p.suffix.lower() == ".csv" else "yaml"
    return parse_preset_table(p.read_text(encoding="utf-8"), p.stem, fmt)


def get_preset(preset: str | Path | Preset | None) -> Preset:
    """Resolve a preset name, a path to a custom table, or a :class:`Preset`.

    Raises
    ------
    InvalidInput
        If the name is neither a built-in preset nor an existing file.

    Examples
    --------
    >>> get_preset("radius500").tiers[0].radius_m
    500.0
    """
    if isinstance(preset, Preset):
        return preset
    if preset is None:
        return PRESETS["gbt50563"]
    key = str(preset).strip()
    key = _ALIASES.get(key.casefold(), key.casefold())
    if key in PRESETS:
        return PRESETS[key]
    if isinstance(preset, Path) or Path(str(preset)).suffix.lower() in {".csv", ".yaml", ".yml"}:
        return load_preset_file(preset)
    raise InvalidInput(
        f"unknown preset {str(preset)!r}; use one of {sorted(PRESETS)} or a .csv/.yaml table",
        {"preset": str(preset), "allowed": sorted(PRESETS)},
    )
