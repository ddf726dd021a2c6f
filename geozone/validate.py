"""Validate a layer set, or one candidate layer version against the rest of a catalog.

:func:`validate_layers_dir` loads a layer folder and turns every load failure
(manifest errors, missing files or fields, CRS contradictions) into report issues
instead of exceptions, then runs :func:`validate_catalog`. Each check in
:data:`geozone.validation.CHECKS` is a small function; areas are in m² measured in
EPSG:4548 and compared with ``tolerance_m2``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from shapely.errors import GEOSException

from geozone.catalog import Catalog, LayerVersion, check_gcj02_shift, load_layer
from geozone.errors import GeozoneError, ManifestError
from geozone.manifest import MANIFEST_NAME, load_manifest
from geozone.validation import CHECKS, ERROR, Check, CheckContext, Issue, ValidationReport
from geozone.vocab import LayerKind

__all__ = [
    "Issue",
    "ValidationReport",
    "validate_catalog",
    "validate_layer_version",
    "validate_layers_dir",
]


def layer_facts(version: LayerVersion) -> dict[str, Any]:
    """CRS and size facts of a layer version, as recorded in a report."""
    e = version.entry
    return {
        "key": e.key,
        "kind": e.kind.value,
        "valid_from": e.valid_from.isoformat(),
        "valid_to": e.valid_to.isoformat() if e.valid_to else None,
        "feature_count": version.feature_count,
        "source_crs": e.source_crs,
        "file_crs": version.file_crs,
        "file": e.file,
    }


def _in_force_only(catalog: Catalog, as_of: date) -> Catalog:
    chosen = {v.id: [v] for v in catalog.select(as_of)}
    return replace(catalog, versions=chosen)


def _run(check: Check, ctx: CheckContext) -> list[Issue]:
    try:
        return list(check.run(ctx))
    except GEOSException as exc:
        return [Issue(check.name, ERROR, None, None, None, f"check could not finish: {exc}")]


def validate_catalog(
    catalog: Catalog,
    *,
    tolerance_m2: float = 1.0,
    as_of: date | None = None,
    checks: list[Check] | None = None,
) -> ValidationReport:
    """Run every check on a loaded catalog.

    Parameters
    ----------
    catalog
        The loaded layer set.
    tolerance_m2
        Gaps, overlaps and containment excesses up to this area (m², EPSG:4548) pass.
    as_of
        Validate only the versions in force on this date (default: every version).
    checks
        Checks to run (default :data:`geozone.validation.CHECKS`).

    Returns
    -------
    ValidationReport
        Issues (errors and warnings) plus CRS facts per layer version.
    """
    if as_of is not None:
        catalog = _in_force_only(catalog, as_of)
    ctx = CheckContext(catalog, tolerance_m2)
    selected = CHECKS if checks is None else checks
    issues: list[Issue] = []
    for check in selected:
        issues.extend(_run(check, ctx))
    return ValidationReport(
        issues=list(dict.fromkeys(issues)),
        layers=[layer_facts(v) for v in catalog.all_versions()],
        checks=[c.name for c in selected],
        tolerance_m2=tolerance_m2,
        source=str(catalog.root),
    )


def _manifest_issues(exc: ManifestError) -> list[Issue]:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    problems = detail.get("problems") or [exc.message]
    return [Issue("manifest", ERROR, None, None, None, str(p)) for p in problems]


def validate_layers_dir(
    path: Path | str, *, tolerance_m2: float = 1.0, as_of: date | None = None
) -> ValidationReport:
    """Load a layer folder and validate it; load failures become ``error`` issues.

    A broken manifest yields only manifest issues (nothing else can be loaded); a layer
    version that cannot be loaded (missing file or field, CRS contradiction) yields a
    ``load`` issue and the other versions are still checked.
    """
    root = Path(path).resolve()
    try:
        manifest = load_manifest(root)
    except ManifestError as exc:
        return ValidationReport(
            issues=_manifest_issues(exc),
            checks=["manifest"],
            tolerance_m2=tolerance_m2,
            source=str(root),
        )
    load_issues: list[Issue] = []
    versions: dict[str, list[LayerVersion]] = {}
    digest = hashlib.sha256((root / MANIFEST_NAME).read_bytes())
    for entry in manifest.layer:
        try:
            lv = load_layer(entry, root)
        except GeozoneError as exc:
            load_issues.append(Issue("load", ERROR, entry.key, None, None, exc.message))
            continue
        versions.setdefault(entry.id, []).append(lv)
        digest.update(lv.sha256.encode())
    for vs in versions.values():
        vs.sort(key=lambda v: v.entry.valid_from)
    check_gcj02_shift(versions)
    catalog = Catalog(root, manifest, versions, digest.hexdigest()[:16])
    report = validate_catalog(catalog, tolerance_m2=tolerance_m2, as_of=as_of)
    report.issues[:0] = load_issues
    report.checks.insert(0, "load")
    report.checks.insert(0, "manifest")
    return report


def _with_shift_warning(catalog: Catalog, candidate: LayerVersion) -> LayerVersion:
    """A copy of ``candidate`` carrying a GCJ-02 look-alike warning if it needs one."""
    copy = replace(candidate, warnings=list(candidate.warnings))
    if candidate.kind == LayerKind.ADMIN or any("GCJ-02" in w for w in copy.warnings):
        return copy
    admins = {k: vs for k, vs in catalog.versions.items() if vs and vs[0].kind == LayerKind.ADMIN}
    check_gcj02_shift({**admins, "\0candidate": [copy]})
    return copy


def validate_layer_version(
    catalog: Catalog, layer_version: LayerVersion, *, tolerance_m2: float = 1.0
) -> ValidationReport:
    """Validate a candidate layer version as if it were added to ``catalog``.

    The candidate replaces any version with the same key; every check runs on that
    combined catalog and the report keeps the issues that involve the candidate (its
    own features, its date range against the layer's other versions, and cross-layer
    rules such as tiling or nesting it takes part in). ``catalog`` is not changed.
    """
    candidate = _with_shift_warning(catalog, layer_version)
    issues: list[Issue] = []
    existing = catalog.versions.get(candidate.id, [])
    if existing and existing[0].kind != candidate.kind:
        issues.append(
            Issue(
                "manifest",
                ERROR,
                candidate.key,
                None,
                None,
                f"layer {candidate.id!r} is of kind {existing[0].kind.value}, "
                f"the candidate is {candidate.kind.value}",
            )
        )
    merged = {k: [v for v in vs if v.key != candidate.key] for k, vs in catalog.versions.items()}
    merged.setdefault(candidate.id, []).append(candidate)
    merged[candidate.id].sort(key=lambda v: v.entry.valid_from)
    report = validate_catalog(replace(catalog, versions=merged), tolerance_m2=tolerance_m2)
    report.issues = issues + [i for i in report.issues if i.involves(candidate.key)]
    report.layers = [layer_facts(candidate)]
    return report
