"""Layer-set validation checks, each a small function registered in :data:`CHECKS`.

The entry points that run them live in :mod:`geozone.validate`.
"""

from __future__ import annotations

from geozone.validation.context import Check, CheckContext
from geozone.validation.crs_facts import check_crs
from geozone.validation.dates import check_version_ranges
from geozone.validation.features import (
    check_feature_ids,
    check_geometry_present,
    check_geometry_type,
    check_valid_geometry,
    check_zone_class,
)
from geozone.validation.nesting import (
    check_redline_in_eco_control,
    check_reservoir_grade1,
    check_water_nesting,
)
from geozone.validation.report import ERROR, WARNING, Issue, Severity, ValidationReport
from geozone.validation.tiling import check_control_zone_tiling

CHECKS: list[Check] = [
    Check(
        "crs",
        check_crs,
        "declared and file CRS recorded; GCJ-02 look-alikes; plausible coordinates",
    ),
    Check("feature_ids", check_feature_ids, "every feature has an id, unique in its layer version"),
    Check("geometry_present", check_geometry_present, "no missing or empty geometry"),
    Check("geometry_type", check_geometry_type, "zones and admin units are (Multi)Polygons"),
    Check("valid_geometry", check_valid_geometry, "OGC-valid geometries (reported, never fixed)"),
    Check("zone_class", check_zone_class, "classes belong to the vocabulary of the layer kind"),
    Check("version_ranges", check_version_ranges, "versions of a layer do not overlap in time"),
    Check("control_zone_tiling", check_control_zone_tiling, "control zones tile each district"),
    Check("water_nesting", check_water_nesting, "grade1 ⊂ grade2 ⊂ quasi"),
    Check("redline_in_eco_control", check_redline_in_eco_control, "red line ⊂ eco_control"),
    Check("reservoir_grade1", check_reservoir_grade1, "reservoir grade1 ⊂ management range"),
]
"""The checks :func:`geozone.validate.validate_catalog` runs, in order."""

__all__ = [
    "CHECKS",
    "ERROR",
    "WARNING",
    "Check",
    "CheckContext",
    "Issue",
    "Severity",
    "ValidationReport",
]
