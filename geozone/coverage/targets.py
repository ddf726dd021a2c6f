"""Plan targets the coverage and plan indicators are compared with (from the published plans).

Each :class:`Target` names its indicator, scope (``"national"``, ``"beijing"`` or a district
adcode), threshold as a fraction (or m²/person), comparator, year and source. Values come
from the published plans and standards; ``source`` names the document and its
chapter, section or table item.

A park-coverage target also names the service-radius preset it is defined with: the plans'
"公园绿地500米服务半径覆盖率" targets count every park at 500 m (``radius500``), while the
GB 55014-2021 floor is a 公园绿地服务半径覆盖率 in the national calibre of GB/T 50563-2010
(``gbt50563``). A figure is compared only with targets of its own preset; the others are
listed as not comparable (:func:`compare`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

TONGZHOU, PINGGU, MIYUN = "110112", "110117", "110118"
DISTRICT_NAMES = {TONGZHOU: "通州区", PINGGU: "平谷区", MIYUN: "密云区"}
TOLERANCE = 1e-9
"""Absolute tolerance when comparing with a target (float noise, not policy slack)."""


@dataclass(frozen=True)
class Target:
    """A plan target for one indicator in one scope.

    Attributes
    ----------
    indicator
        ``park_coverage``, ``redline_share``, ``eco_control_share`` or ``park_area_per_person``.
    scope
        ``"national"``, ``"beijing"`` or a district adcode (``"110112"``...).
    value
        Threshold: a fraction for shares (0.8 = 80 %), m²/person for park area per person.
    comparator
        ``">"`` (strictly above) or ``">="``.
    preset
        For ``park_coverage``: the service-radius preset the target is defined with
        (``radius500``, ``gbt50563``); ``None`` for other indicators.
    """

    indicator: str
    scope: str
    value: float
    comparator: str
    label_zh: str
    label_en: str
    year: int | None
    source: str
    binding: bool = False
    preset: str | None = None

    def comparable(self, preset: str | None) -> bool:
        """Whether a figure computed with ``preset`` may be compared with this target.

        Examples
        --------
        >>> [t.comparable("gbt50563") for t in targets_for("park_coverage", "110112")]
        [True, False, False]
        """
        return self.preset is None or self.preset == preset

    def met(self, actual: float | None) -> bool | None:
        """Whether ``actual`` meets the target (``None`` when there is no value)."""
        if actual is None:
            return None
        # tolerance for float noise: a red line sized to exactly 49.72 % must meet 49.72 %
        if self.comparator == ">":
            return actual > self.value + TOLERANCE
        return actual >= self.value - TOLERANCE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "indicator": self.indicator,
            "scope": self.scope,
            "value": self.value,
            "comparator": self.comparator,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "year": self.year,
            "source": self.source,
            "binding": self.binding,
            "preset": self.preset,
        }


# published documents the targets come from (a source adds chapter, section or table item)
_BJ = "京政发〔2021〕35号《北京市“十四五”时期生态环境保护规划》"
_PG = "京平政发〔2021〕26号《平谷区“十四五”时期生态文明建设规划》"
_TZ = "《通州区“十五五”时期生态环境保护规划》（征求意见稿）"
_MY = "《北京市密云区“十四五”时期生态环境保护规划》"

TARGETS: tuple[Target, ...] = (
    Target("park_coverage", "national", 0.80, ">", "公园绿地服务半径覆盖率 > 80 %（强制底线）",
           "Park service-radius coverage > 80 % (mandatory floor)", None,
           "GB 55014-2021 §2.1.3", True),
    Target("park_coverage", "beijing", 0.90, ">=", "公园绿地500米服务半径覆盖率达到90%",
           "Beijing park 500 m coverage 90 %", 2025, _BJ + " 五（二）着力提升城市生态环境品质"),
    Target("park_coverage", TONGZHOU, 0.96, ">=", "通州区公园绿地500米服务半径覆盖率96%",
           "Tongzhou park 500 m coverage 96 % by 2030", 2030, _TZ + " 表2-1 第21项"),
    Target("park_coverage", PINGGU, 0.8766, ">=", "城区公园绿地500米服务半径覆盖率≥87.66%",
           "Pinggu urban-area park 500 m coverage ≥ 87.66 %", 2025,
           _PG + " 第二章第三节 表2 第8项"),
    Target("redline_share", TONGZHOU, 0.062, ">=", "生态保护红线占国土面积≥6.2%",
           "Tongzhou red line ≥ 6.2 % of district land", None,
           _TZ + " 第五章 一（二）强化生态空间管控", True),
    Target("redline_share", PINGGU, 0.375, ">=", "生态保护红线区面积比例≥37.5%",
           "Pinggu red line share ≥ 37.5 %", 2025, _PG + " 第二章第三节 表2 第6项", True),
    Target("redline_share", MIYUN, 0.4972, ">=", "生态保护红线占区域面积比例保持稳定(49.72%)",
           "Miyun red line share kept at 49.72 %", 2025, _MY + " 附表一 第13项", True),
    Target("eco_control_share", "beijing", 0.75, ">=", "生态控制区面积力争达到市域面积的75%",
           "Beijing ecological control area 75 %", 2025, _BJ + " 五（一）全力保护重要绿色生态空间"),
    Target("eco_control_share", PINGGU, 0.82, ">", "生态控制区面积>82%",
           "Pinggu ecological control area > 82 %", 2025, _PG + " 第二章第三节 表2 第10项"),
    Target("park_area_per_person", "national", 8.0, ">", "人均公园绿地面积>8.0 m²/人（强制底线）",
           "Park area per person > 8.0 m² (mandatory floor)", None, "GB 55014-2021 §2.1.3", True),
    Target("park_area_per_person", "beijing", 16.7, ">=", "人均公园绿地面积达到16.7平方米",
           "Beijing park area per person 16.7 m²", 2025, _BJ + " 五（二）着力提升城市生态环境品质"),
)  # fmt: skip

_DEFINED_WITH = {
    # GB 55014-2021 §2.1.3: 公园绿地服务半径覆盖率, the national calibre of GB/T 50563-2010
    ("park_coverage", "national"): "gbt50563",
    # the plans' targets are 公园绿地500米服务半径覆盖率: every park at 500 m
    ("park_coverage", "beijing"): "radius500",
    ("park_coverage", TONGZHOU): "radius500",
    ("park_coverage", PINGGU): "radius500",
}
TARGETS = tuple(replace(t, preset=_DEFINED_WITH.get((t.indicator, t.scope))) for t in TARGETS)


def targets_for(indicator: str, district: str | None = None) -> list[Target]:
    """Targets of an indicator: national, Beijing, then the district's own (if any).

    ``district`` is an adcode; a 9-digit township code uses its first six digits.

    Examples
    --------
    >>> [t.scope for t in targets_for("park_coverage", "110112004")]
    ['national', 'beijing', '110112']
    """
    code = str(district)[:6] if district else None
    return [
        t for t in TARGETS if t.indicator == indicator and t.scope in {"national", "beijing", code}
    ]


def headline_target(
    indicator: str, district: str | None = None, preset: str | None = None
) -> Target | None:
    """The most specific target comparable with ``preset`` (``None`` when there is none).

    The district's own target, else Beijing's, else the national one.

    Examples
    --------
    >>> headline_target("park_coverage", "110112", "radius500").value
    0.96
    >>> headline_target("park_coverage", "110112", "gbt50563").scope
    'national'
    """
    found = [t for t in targets_for(indicator, district) if t.comparable(preset)]
    return found[-1] if found else None


def compare(
    targets: list[Target], actual: float | None, preset: str | None = None
) -> list[dict[str, Any]]:
    """Each target with the actual value, whether it is met and the gap (fraction or m²).

    A target defined with another service-radius preset than ``preset`` is listed with
    ``comparable: false`` and no ``met`` or ``gap``: a GB/T 50563 figure says nothing
    about a 500 m target, and the other way round.
    """
    rows = []
    for t in targets:
        ok = t.comparable(preset)
        rows.append(
            {
                **t.to_dict(),
                "actual": actual,
                "comparable": ok,
                "met": t.met(actual) if ok else None,
                "gap": None if actual is None or not ok else actual - t.value,
                "note": None
                if ok
                else f"not comparable: the target is defined with preset {t.preset}, "
                f"this figure uses {preset}",
            }
        )
    return rows
