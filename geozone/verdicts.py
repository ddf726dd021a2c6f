"""What a lookup decides: hits with their rules, and verdicts, with their JSON forms.

:func:`geozone.decide.decide` makes them; :class:`geozone.answer.LookupResult` writes them.
Distances in metres, areas in m² (EPSG:4548).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geozone.rules import Activity, Rule, Verdict
from geozone.vocab import LayerKind


def round_m(value: float | None) -> float | None:
    """Round metres / m² to 0.01 (and turn -0.0 into 0.0)."""
    return None if value is None else round(float(value), 2) + 0.0


def round_share(value: float | None) -> float | None:
    """Round a share to 1e-6."""
    return None if value is None else round(float(value), 6) + 0.0


@dataclass(frozen=True, slots=True)
class HitRule:
    """The rule a zone hit brings for one activity, possibly superseded by another hit."""

    rule: Rule
    superseded_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``hits[].rules``)."""
        r = self.rule
        return {
            "activity": r.activity,
            "verdict": r.verdict_text,
            "condition_zh": r.condition_zh,
            "condition_en": r.condition_en,
            "citation": r.citation.to_dict(),
            "rule_id": r.rule_id,
            "dimensions": dict(r.dimensions) if r.dimensions is not None else None,
            "superseded_by": self.superseded_by,
        }


@dataclass(slots=True)
class Hit:
    """A feature the query falls in, overlaps, or comes within tolerance of.

    Distances in metres and areas in m², measured in EPSG:4548. Not frozen: the engine
    attaches ``rules`` once the hit is known (a frozen copy per hit cost more than the
    point-in-polygon test); treat a returned hit as read-only.
    """

    layer_id: str
    layer_version: str
    layer_kind: LayerKind
    layer_title_zh: str
    layer_title_en: str
    feature_id: str
    zone_class: str
    class_zh: str
    class_en: str
    name: str | None
    inside: bool
    edge: bool
    distance_to_boundary_m: float
    overlap_m2: float | None
    overlap_share: float | None
    synthetic: bool
    rank: int | None
    code: str
    sliver: bool = False
    rules: tuple[HitRule, ...] = ()

    @property
    def ref(self) -> str:
        """``"<layer_id>:<feature_id>"``."""
        return f"{self.layer_id}:{self.feature_id}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``hits``), floats rounded."""
        return {
            "layer_id": self.layer_id,
            "layer_version": self.layer_version,
            "layer_kind": self.layer_kind.value,
            "layer_title_zh": self.layer_title_zh,
            "layer_title_en": self.layer_title_en,
            "feature_id": self.feature_id,
            "zone_class": self.zone_class,
            "class_zh": self.class_zh,
            "class_en": self.class_en,
            "name": self.name,
            "inside": self.inside,
            "edge": self.edge,
            "distance_to_boundary_m": round_m(self.distance_to_boundary_m),
            "overlap_m2": round_m(self.overlap_m2),
            "overlap_share": round_share(self.overlap_share),
            "synthetic": self.synthetic,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass(frozen=True, slots=True)
class VerdictPart:
    """The verdict on the part of a query in one district (a query across districts)."""

    district: dict[str, str] | None  # {"code", "name"} of the admin district
    verdict: ActivityVerdict

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``verdicts[].parts``)."""
        data = self.verdict.to_dict()
        for key in ("activity", "activity_zh", "activity_en", "parts"):
            del data[key]
        return {"district": dict(self.district) if self.district else None, **data}


@dataclass(frozen=True, slots=True)
class ActivityVerdict:
    """The overall verdict for one activity and the hit and rule that decided it.

    ``parts`` holds the verdict of each district's part when the query lies in more
    than one district (the overall verdict is the strictest of them), else is empty.
    """

    activity: Activity
    verdict: Verdict
    rule: Rule | None = None
    decided_by: Hit | None = None
    parts: tuple[VerdictPart, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (a member of ``verdicts``)."""
        r, h = self.rule, self.decided_by
        return {
            "activity": self.activity.code,
            "activity_zh": self.activity.zh,
            "activity_en": self.activity.en,
            "verdict": self.verdict.value,
            "rule_id": r.rule_id if r else None,
            "citation": r.citation.to_dict() if r else None,
            "condition_zh": r.condition_zh if r else None,
            "condition_en": r.condition_en if r else None,
            "decided_by": (
                {
                    "layer_id": h.layer_id,
                    "feature_id": h.feature_id,
                    "zone_class": h.zone_class,
                    "class_zh": h.class_zh,
                    "class_en": h.class_en,
                }
                if h is not None
                else None
            ),
            "parts": [p.to_dict() for p in self.parts] if self.parts else None,
        }
