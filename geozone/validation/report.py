"""Validation issues and the report that collects them.

An :class:`Issue` names the check that raised it, its severity, the layer version
(``"id@version"``), the feature and a WGS84 location where there is one, a readable
message and a measured value (an area in m² measured in EPSG:4548, a count, ...).
A :class:`ValidationReport` is ``ok`` when it holds no error-severity issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding of one check.

    Attributes
    ----------
    check
        Name of the check that raised it (e.g. ``"valid_geometry"``).
    severity
        ``"error"`` (the layer set must not be served) or ``"warning"``.
    layer
        Key ``"id@version"`` of the layer version concerned, or ``None`` (manifest-wide).
    feature_id
        Id of the feature concerned, or ``None``.
    location
        ``(lon, lat)`` in WGS84 of a representative point of the problem, or ``None``.
    message
        What is wrong, in one sentence.
    value
        A measured quantity, e.g. an area in m² (EPSG:4548), or ``None``.
    related
        Keys of other layer versions involved (e.g. the admin version of a tiling gap).
    """

    check: str
    severity: Severity
    layer: str | None
    feature_id: str | None
    location: tuple[float, float] | None
    message: str
    value: float | None = None
    related: tuple[str, ...] = ()

    def involves(self, key: str) -> bool:
        """True when the issue is about layer version ``key`` or names it as related."""
        return self.layer == key or key in self.related

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the issue."""
        return {
            "check": self.check,
            "severity": self.severity,
            "layer": self.layer,
            "feature_id": self.feature_id,
            "location": list(self.location) if self.location is not None else None,
            "message": self.message,
            "value": self.value,
            "related": list(self.related),
        }

    def render(self) -> str:
        """One line of text: severity, check, layer, feature, message, value, location."""
        parts = [f"{self.severity.upper():<7} [{self.check}]"]
        if self.layer:
            parts.append(self.layer)
        if self.feature_id is not None:
            parts.append(f"feature {self.feature_id}")
        text = " ".join(parts) + ": " + self.message
        if self.location is not None:
            text += f" at {self.location[0]:.6f}, {self.location[1]:.6f}"
        return text


@dataclass
class ValidationReport:
    """Issues found in a layer set (or one candidate layer version), plus per-layer facts.

    ``layers`` holds one dict per validated layer version with its declared and file
    CRS and feature count, so the report records which CRS each file was read in.
    """

    issues: list[Issue] = field(default_factory=list)
    layers: list[dict[str, Any]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    tolerance_m2: float = 1.0
    source: str | None = None

    @property
    def errors(self) -> list[Issue]:
        """Error-severity issues."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Warning-severity issues."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when no error-severity issue was found."""
        return not self.errors

    def by_check(self, check: str) -> list[Issue]:
        """Issues raised by one check."""
        return [i for i in self.issues if i.check == check]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ok flag, counts, checks run, layer facts and issues."""
        return {
            "ok": self.ok,
            "source": self.source,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "tolerance_m2": self.tolerance_m2,
            "checks": list(self.checks),
            "layers": list(self.layers),
            "issues": [i.to_dict() for i in self.issues],
        }

    def render(self) -> str:
        """Readable multi-line text: verdict, layer facts, then issues (errors first)."""
        verdict = "OK" if self.ok else "FAILED"
        head = f"validation {verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        if self.source:
            head += f" in {self.source}"
        lines = [head, f"checks: {', '.join(self.checks)} (area tolerance {self.tolerance_m2} m²)"]
        if self.layers:
            lines.append("layers:")
            for fact in self.layers:
                lines.append(
                    f"  {fact['key']:<32} {fact['kind']:<17} {fact['feature_count']:>6} features"
                    f"  declared {fact['source_crs']}, file {fact['file_crs'] or 'none'}"
                )
        ordered = self.errors + self.warnings
        if ordered:
            lines.append("issues:")
            lines.extend(f"  {i.render()}" for i in ordered)
        return "\n".join(lines)
