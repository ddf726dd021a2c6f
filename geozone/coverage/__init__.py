"""Park service-radius coverage (公园绿地服务半径覆盖率) and related plan indicators.

:func:`park_coverage` measures the share of residential land inside the union of the
parks' service areas (exact vector engine, m² in EPSG:4548); :func:`coverage_for_catalog`
runs it on a loaded layer set (:func:`geozone.open_layers`). See the submodules for presets,
population weighting, the raster cross-check, what-if analysis, plan indicators and maps.
"""

from geozone.coverage.catalog import coverage_for_catalog
from geozone.coverage.metric import park_coverage
from geozone.coverage.presets import PRESETS, Preset, Tier, get_preset
from geozone.coverage.result import CoverageResult

__all__ = [
    "PRESETS",
    "CoverageResult",
    "Preset",
    "Tier",
    "coverage_for_catalog",
    "get_preset",
    "park_coverage",
]
