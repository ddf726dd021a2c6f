"""Layer kinds and their class vocabularies, in one place, with zh and en names.

Every feature of a zone layer carries a class code from the vocabulary of its
layer kind. Files from operators may spell the class in Chinese or English;
:func:`normalize_class` maps any known spelling to the code.

``rank`` orders zone classes from strictest (lowest number) to least strict for
the precedence rule of the domain brief: red-line core > red line > 水源一级 >
水源二级 > 准保护区 > 生态控制区 > 限制建设区 > 集中建设区. Reservoir rings and
control units sit between where their rules are strict; kinds that are not
zones (parks, residential land, admin units) have no rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geozone.errors import UnknownClass


class LayerKind(StrEnum):
    """The kinds of layer geozone understands."""

    REDLINE = "redline"
    CONTROL_ZONE = "control_zone"
    WATER_PROTECTION = "water_protection"
    RESERVOIR_RING = "reservoir_ring"
    CONTROL_UNIT = "control_unit"
    PARK = "park"
    RESIDENTIAL = "residential"
    ADMIN = "admin"


@dataclass(frozen=True)
class ZoneClass:
    """One class of a layer kind: stable code, Chinese and English names, precedence rank."""

    kind: LayerKind
    code: str
    zh: str
    en: str
    rank: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindInfo:
    """Names of a layer kind and whether its features are zones that carry rules."""

    kind: LayerKind
    zh: str
    en: str
    is_zone: bool


KINDS: dict[LayerKind, KindInfo] = {
    k.kind: k
    for k in (
        KindInfo(LayerKind.REDLINE, "生态保护红线", "Ecological protection red line", True),
        KindInfo(LayerKind.CONTROL_ZONE, "两线三区管控分区", "Three-zone control area", True),
        KindInfo(
            LayerKind.WATER_PROTECTION,
            "饮用水水源保护区",
            "Drinking-water source protection zone",
            True,
        ),
        KindInfo(
            LayerKind.RESERVOIR_RING,
            "密云水库保护范围",
            "Miyun Reservoir management range and rings",
            True,
        ),
        KindInfo(
            LayerKind.CONTROL_UNIT,
            "生态环境管控单元",
            "Environmental control unit (三线一单)",
            True,
        ),
        KindInfo(LayerKind.PARK, "公园绿地", "Park", False),
        KindInfo(LayerKind.RESIDENTIAL, "居住用地", "Residential land", False),
        KindInfo(LayerKind.ADMIN, "行政区划", "Administrative unit", False),
    )
}


@dataclass(frozen=True)
class Label:
    """A code shown to people, with its Chinese and English names."""

    code: str
    zh: str
    en: str


DIMENSIONS: dict[str, Label] = {
    d.code: d
    for d in (
        Label("spatial_layout", "空间布局约束", "Spatial layout constraints"),
        Label("emission_control", "污染物排放管控", "Pollutant emission control"),
        Label("risk_prevention", "环境风险防控", "Environmental risk prevention"),
        Label("resource_efficiency", "资源开发效率要求", "Resource use efficiency"),
    )
}
"""The four parts of a control unit's admission list (三线一单 生态环境准入清单), in order."""


def labels() -> dict[str, list[dict[str, str]]]:
    """Every code an answer shows a person, with zh/en names: layer kinds and dimensions.

    Zone classes carry their names in each hit (``class_zh``, ``class_en``) and in
    :data:`CLASSES`. The web map and the report read these from ``GET /api/v1/config``.
    """
    return {
        "kinds": [{"code": k.kind.value, "zh": k.zh, "en": k.en} for k in KINDS.values()],
        "dimensions": [{"code": d.code, "zh": d.zh, "en": d.en} for d in DIMENSIONS.values()],
    }


_K = LayerKind
CLASSES: dict[LayerKind, tuple[ZoneClass, ...]] = {
    _K.REDLINE: (
        ZoneClass(
            _K.REDLINE, "core", "红线核心保护区", "Red line core protected area", 0, ("核心保护区",)
        ),
        ZoneClass(
            _K.REDLINE,
            "general",
            "生态保护红线一般区域",
            "Red line (general)",
            1,
            ("生态保护红线", "一般控制区", "红线"),
        ),
    ),
    _K.WATER_PROTECTION: (
        ZoneClass(
            _K.WATER_PROTECTION,
            "grade1",
            "一级保护区",
            "Grade I protection zone",
            2,
            ("一级", "一级区", "grade_1", "I"),
        ),
        ZoneClass(
            _K.WATER_PROTECTION,
            "grade2",
            "二级保护区",
            "Grade II protection zone",
            3,
            ("二级", "二级区", "grade_2", "II"),
        ),
        ZoneClass(
            _K.WATER_PROTECTION,
            "quasi",
            "准保护区",
            "Quasi-protection zone",
            4,
            ("准", "准保护", "quasi_protection"),
        ),
    ),
    _K.RESERVOIR_RING: (
        ZoneClass(
            _K.RESERVOIR_RING,
            "management",
            "水库管理范围",
            "Reservoir management range",
            2,
            ("管理范围",),
        ),
        ZoneClass(
            _K.RESERVOIR_RING,
            "ring100",
            "管理范围外100米",
            "100 m ring outside the range",
            3,
            ("100米", "100m"),
        ),
        ZoneClass(
            _K.RESERVOIR_RING,
            "ring1000",
            "管理范围外1000米",
            "1,000 m ring outside the range",
            4,
            ("1000米", "1000m"),
        ),
    ),
    _K.CONTROL_UNIT: (
        ZoneClass(
            _K.CONTROL_UNIT,
            "priority",
            "优先保护单元",
            "Priority protection unit",
            5,
            ("优先保护",),
        ),
        ZoneClass(_K.CONTROL_UNIT, "key", "重点管控单元", "Key control unit", 6, ("重点管控",)),
        ZoneClass(
            _K.CONTROL_UNIT, "general", "一般管控单元", "General control unit", 7, ("一般管控",)
        ),
    ),
    _K.CONTROL_ZONE: (
        ZoneClass(
            _K.CONTROL_ZONE,
            "eco_control",
            "生态控制区",
            "Ecological control area",
            5,
            ("生态控制",),
        ),
        ZoneClass(
            _K.CONTROL_ZONE,
            "restricted",
            "限制建设区",
            "Restricted construction area",
            6,
            ("限制建设",),
        ),
        ZoneClass(
            _K.CONTROL_ZONE,
            "concentrated",
            "集中建设区",
            "Concentrated construction area",
            7,
            ("集中建设",),
        ),
    ),
    _K.PARK: (
        ZoneClass(_K.PARK, "comprehensive", "综合公园", "Comprehensive park"),
        ZoneClass(_K.PARK, "specialized", "专类公园", "Specialised park"),
        ZoneClass(_K.PARK, "community", "社区公园", "Community park"),
        ZoneClass(_K.PARK, "pocket", "游园", "Pocket park (游园)", None, ("口袋公园",)),
    ),
    _K.RESIDENTIAL: (
        ZoneClass(_K.RESIDENTIAL, "0701", "城镇住宅用地", "Urban residential land"),
        ZoneClass(
            _K.RESIDENTIAL, "0702", "城镇社区服务设施用地", "Urban community service facility land"
        ),
        ZoneClass(_K.RESIDENTIAL, "0703", "农村宅基地", "Rural homestead land"),
    ),
    _K.ADMIN: (
        ZoneClass(_K.ADMIN, "district", "区", "District", None, ("区县",)),
        ZoneClass(
            _K.ADMIN,
            "township",
            "乡镇/街道",
            "Township or subdistrict",
            None,
            ("乡镇", "街道", "地区"),
        ),
    ),
}

_LOOKUP: dict[LayerKind, dict[str, ZoneClass]] = {}
for _kind, _classes in CLASSES.items():
    table: dict[str, ZoneClass] = {}
    for _c in _classes:
        for spelling in (_c.code, _c.zh, _c.en, *_c.aliases):
            table[spelling.casefold()] = _c
    _LOOKUP[_kind] = table


def classes_of(kind: LayerKind | str) -> tuple[ZoneClass, ...]:
    """Return the class vocabulary of a layer kind, strictest first for zone kinds."""
    return CLASSES[LayerKind(kind)]


def get_class(kind: LayerKind | str, value: str) -> ZoneClass:
    """Return the :class:`ZoneClass` of ``value`` (code, zh or en name) in ``kind``.

    Raises
    ------
    UnknownClass
        If ``value`` is not a spelling of any class of that kind.

    Examples
    --------
    >>> get_class("water_protection", "一级保护区").code
    'grade1'
    >>> get_class("control_zone", "concentrated").zh
    '集中建设区'
    """
    kind = LayerKind(kind)
    found = _LOOKUP[kind].get(str(value).strip().casefold())
    if found is None:
        allowed = ", ".join(c.code for c in CLASSES[kind])
        raise UnknownClass(
            f"class {value!r} is not in the vocabulary of layer kind {kind.value!r}",
            {"kind": kind.value, "value": value, "allowed": allowed},
        )
    return found


def normalize_class(kind: LayerKind | str, value: str) -> str:
    """Return the class code for any known spelling of a class of ``kind``."""
    return get_class(kind, value).code
