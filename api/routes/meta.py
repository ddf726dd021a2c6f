"""``GET /api/v1/activities`` and ``GET /api/v1/rules``: the rule table behind every verdict."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import RulesDep
from api.schemas_meta import ActivitiesDocument, RulesDocument
from geozone.jurisdiction import DISTRICTS
from geozone.query import parse_activities
from geozone.rules import zone_kinds

router = APIRouter(prefix="/api/v1", tags=["rules"])

_ACTIVITY_EXAMPLE = {
    "code": "urban_housing",
    "zh": "城镇住宅建设",
    "en": "Urban housing development",
    "description_zh": "新建、改建、扩建城镇商品住宅、保障房等居住项目",
    "description_en": "New, rebuilt or expanded urban residential projects",
}


@router.get(
    "/activities",
    summary="Activities a lookup can be asked about",
    response_model=None,
    responses={
        200: {
            "description": "The activity vocabulary.",
            "model": ActivitiesDocument,
            "content": {
                "application/json": {
                    "example": {"rules_version": "2026.11-demo", "activities": [_ACTIVITY_EXAMPLE]}
                }
            },
        }
    },
)
def activities(rules: RulesDep) -> dict[str, Any]:
    """The activity vocabulary (codes with zh/en names and descriptions), in table order."""
    return {
        "rules_version": rules.version,
        "activities": [a.to_dict() for a in rules.activities.values()],
    }


@router.get(
    "/rules",
    summary="The rule table: every rule with its verdict and legal citation",
    response_model=None,
    responses={200: {"description": "The rule rows, filtered.", "model": RulesDocument}},
)
def rules_table(
    rules: RulesDep,
    kind: Annotated[
        str | None,
        Query(
            description="Only rules of this zone layer kind, defaults expanded per activity.",
            openapi_examples={"water": {"value": "water_protection"}},
            json_schema_extra={"enum": [k.value for k in zone_kinds()]},
        ),
    ] = None,
    activity: Annotated[
        list[str] | None,
        Query(
            description=(
                "Only rules for these activity codes (comma-separated or the parameter "
                "repeated), defaults expanded per class."
            ),
            openapi_examples={"housing": {"value": ["urban_housing"]}},
        ),
    ] = None,
    district: Annotated[
        str | None,
        Query(
            description="Only the rules in force in this district (adcode), defaults expanded.",
            openapi_examples={"pinggu": {"value": "110117"}},
            json_schema_extra={"enum": list(DISTRICTS)},
        ),
    ] = None,
) -> dict[str, Any]:
    """The rule rows as written (class defaults keep activity ``*``), each with its jurisdiction.

    With ``kind``, ``activity`` or ``district``: the effective rule of each (kind, class,
    activity); without ``district``, each city-wide or national rule followed by any
    district's own rule.
    """
    if kind is None and activity is None and district is None:
        return rules.to_dict()
    codes = parse_activities(activity)
    if len(codes) <= 1:
        resolved = rules.resolved(
            kind=kind, activity=codes[0] if codes else None, district=district
        )
    else:  # table order of (kind, class, activity), as for one code
        wanted = {rules.activity(code).code for code in codes}
        resolved = [r for r in rules.resolved(kind=kind, district=district) if r.activity in wanted]
    return {
        "version": rules.version,
        "hash": rules.hash,
        "activities": [a.to_dict() for a in rules.activities.values()],
        "rules": [r.to_dict() for r in resolved],
    }
