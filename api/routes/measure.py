"""``POST /api/v1/measure``: the length and area of a drawn geometry, in EPSG:4548.

The web map's measure tool (``static/js/measure.js``) asks this for every figure it
shows, so distances and areas are measured like the lookups' parcel areas
(:mod:`geozone.measure_tool`): metres and m² on CGCS2000 3° Gauss-Krüger CM 117°E.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from api.deps import SettingsDep
from api.schemas import _Closed
from geozone.measure_tool import measure as measure_geometry

router = APIRouter(prefix="/api/v1", tags=["measure"])


class MeasureRequest(_Closed):
    """A geometry to measure and the CRS of its coordinates."""

    geometry: dict[str, Any] = Field(
        description="A GeoJSON LineString, Polygon or MultiPolygon.",
        examples=[{"type": "LineString", "coordinates": [[116.65, 39.9], [116.66, 39.9]]}],
    )
    crs: str | None = Field(
        None, description="CRS of the coordinates (default EPSG:4326; GCJ02 accepted)."
    )


class MeasureResult(_Closed):
    """Length and area measured in EPSG:4548."""

    type: str = Field(description="LineString, Polygon or MultiPolygon.")
    crs: str = Field(description="Where it was measured: EPSG:4548.")
    length_m: float = Field(description="A line's length, a polygon's perimeter, in metres.")
    area_m2: float | None = Field(description="A polygon's area in m²; null for a line.")
    area_ha: float | None = Field(description="The area in hectares; null for a line.")
    vertices: int


@router.post(
    "/measure",
    summary="Length and area of a line or polygon, in metres (EPSG:4548)",
    response_model=MeasureResult,
)
def measure(body: Annotated[MeasureRequest, Body()], settings: SettingsDep) -> dict[str, Any]:
    """Measure a GeoJSON LineString (length, m) or Polygon (area m² / ha, perimeter m).

    Coordinates are WGS84 unless ``crs`` says otherwise; they are reprojected to
    EPSG:4548 and measured on its plane, as the lookups measure parcels.
    """
    return measure_geometry(body.geometry, body.crs, settings.query.max_vertices).to_dict()
