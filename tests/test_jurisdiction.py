"""Rules with a jurisdiction: a district's own rule applies only in that district.

A hand-drawn layer set in EPSG:4548 metres from the origin O = (500000, 4420000):

* admin districts ``TZ`` Tongzhou (110112) = [0, 1000] x [0, 1000] and ``PG`` Pinggu
  (110117) = [1000, 2000] x [0, 1000], sharing the edge x = 1000;
* one control zone ``CON`` concentrated = [0, 2000] x [0, 1000] across both.

Rules: the concentrated area's class default is city-wide ``permitted``; polluting
industry has a Tongzhou row (``conditional``) and a Pinggu row (``prohibited``); housing
has only the city-wide default. So, by hand: a point in Tongzhou cites Tongzhou's row, a
point in Pinggu cites Pinggu's, housing cites the city row everywhere; the parcel
[800, 1300] x [400, 600] (100,000 m²) lies 40,000 m² in Tongzhou and 60,000 m² in Pinggu,
gets both rows, each on its part, and is ``prohibited`` overall (the stricter).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from api_client import api_client
from click.testing import CliRunner
from conftest import REPO
from shapely.geometry import box

from geozone.answer_templates import point_answer
from geozone.batch import batch_points
from geozone.catalog import Catalog, load_catalog
from geozone.cli import cli
from geozone.coverage.targets import TARGETS
from geozone.errors import ManifestError
from geozone.lookup import answer_bytes, lookup
from geozone.query import geojson_query, point_query
from geozone.rules import RuleTable, internal_references, load_rules
from geozone.vocab import CLASSES, KINDS, LayerKind

X0, Y0 = 500_000.0, 4_420_000.0
CRS = "EPSG:4548"

ACTIVITIES = """
version: "jur-1"
activities:
  - {code: polluting_industry, zh: 污染工业, en: Polluting industry,
     description_zh: 新建污染项目, description_en: New polluting project}
  - {code: housing, zh: 住宅, en: Housing,
     description_zh: 新建住宅, description_en: New housing}
"""

SOURCES = """
sources:
  city: {document: 北京市测试办法, url: null, confidence: src, jurisdiction: beijing}
  tz: {document: 通州区测试规划, url: null, confidence: src, jurisdiction: ["110112"]}
  pg: {document: 平谷区测试规划, url: null, confidence: src, jurisdiction: ["110117"]}
"""

TZ_ROW = (
    "  - {id: tz-industry, kind: control_zone, class: concentrated, activity: polluting_industry,"
    " verdict: conditional, condition_zh: 通州条件, condition_en: Tongzhou condition,"
    " citation: {source: tz, article: 第三章第二节}}"
)
PG_ROW = (
    "  - {id: pg-industry, kind: control_zone, class: concentrated, activity: polluting_industry,"
    " verdict: prohibited, condition_zh: 平谷条件, condition_en: Pinggu condition,"
    " citation: {source: pg, article: 第五章第一节}}"
)


def _defaults() -> list[str]:
    """A city-wide ``*`` row for every class of every zone kind (permitted)."""
    rows = []
    for kind in LayerKind:
        if not KINDS[kind].is_zone:
            continue
        for zc in CLASSES[kind]:
            rows.append(
                f"  - {{id: city-{kind.value}-{zc.code}, kind: {kind.value}, class: {zc.code}, "
                f"activity: '*', verdict: permitted, condition_zh: 城市条件, "
                f"condition_en: City condition, citation: {{source: city, article: 第二条}}}}"
            )
    return rows


def _write_rules(folder: Path, extra: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "activities.yaml").write_text(ACTIVITIES, "utf-8")
    text = SOURCES + "rules:\n" + "\n".join([*_defaults(), *extra]) + "\n"
    (folder / "rules.yaml").write_text(text, "utf-8")
    return folder


def _rel_box(x1: float, y1: float, x2: float, y2: float) -> object:
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def _build(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    admin = gpd.GeoDataFrame(
        {
            "feature_id": ["TZ", "PG"],
            "zone_class": ["district", "district"],
            "name": ["通州区", "平谷区"],
            "code": ["110112", "110117"],
        },
        geometry=[_rel_box(0, 0, 1000, 1000), _rel_box(1000, 0, 2000, 1000)],
        crs=CRS,
    )
    zones = gpd.GeoDataFrame(
        {"feature_id": ["CON"], "zone_class": ["concentrated"], "name": ["Concentrated"]},
        geometry=[_rel_box(0, 0, 2000, 1000)],
        crs=CRS,
    )
    admin.to_file(root / "data" / "admin.gpkg", driver="GPKG")
    zones.to_file(root / "data" / "zones.gpkg", driver="GPKG")
    layers = []
    for lid, kind in (("admin", "admin"), ("zones", "control_zone")):
        layers.append(
            f'[[layer]]\nid = "{lid}"\nkind = "{kind}"\ntitle_zh = "{lid}图层"\n'
            f'title_en = "{lid} layer"\nfile = "data/{lid}.gpkg"\nsource_crs = "EPSG:4548"\n'
            f'version = "1"\nvalid_from = 2020-01-01\nsource = "hand-drawn test data"\n'
            f'licence = "CC0"\nsynthetic = true\n'
        )
    manifest = (
        '[layerset]\nid = "jur"\nversion = "1"\ntitle_zh = "测试"\ntitle_en = "Two districts"\n'
        "synthetic = true\n\n" + "\n".join(layers)
    )
    (root / "manifest.toml").write_text(manifest, "utf-8")
    _write_rules(root / "rules", [TZ_ROW, PG_ROW])
    return root


@pytest.fixture(scope="module")
def layer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("jur"))


@pytest.fixture(scope="module")
def loaded(layer_dir: Path) -> tuple[Catalog, RuleTable]:
    catalog = load_catalog(layer_dir)
    return catalog, load_rules(catalog.rules_dir)


def _point(x: float, y: float, activities: str = "polluting_industry,housing") -> object:
    return point_query(X0 + x, Y0 + y, crs=CRS, activities=activities, as_of="2026-01-01")


def _parcel(x1: float, y1: float, x2: float, y2: float) -> object:
    ring = [[X0 + x1, Y0 + y1], [X0 + x2, Y0 + y1], [X0 + x2, Y0 + y2], [X0 + x1, Y0 + y2]]
    geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    return geojson_query(
        geometry, crs=CRS, activities="polluting_industry,housing", as_of="2026-01-01"
    )


def _verdicts(answer: dict) -> dict[str, dict]:
    return {v["activity"]: v for v in answer["verdicts"]}


TONGZHOU = {
    "code": "110112",
    "level": "district",
    "name_zh": "通州区",
    "name_en": "Tongzhou District",
}
PINGGU = {"code": "110117", "level": "district", "name_zh": "平谷区", "name_en": "Pinggu District"}
BEIJING = {
    "code": "110000",
    "level": "city",
    "name_zh": "北京市",
    "name_en": "Beijing Municipality",
}


# --- the rule table -----------------------------------------------------------------------


def test_rule_for_picks_the_place_s_own_district_then_the_city(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    _, rules = loaded
    assert rules.rule_for(
        "control_zone", "concentrated", "polluting_industry", "110112"
    ).rule_id == ("tz-industry")
    assert rules.rule_for(
        "control_zone", "concentrated", "polluting_industry", "110117"
    ).rule_id == ("pg-industry")
    # Miyun has no row of its own, and an unknown place gets only city-wide rows
    for district in ("110118", None):
        r = rules.rule_for("control_zone", "concentrated", "polluting_industry", district)
        assert r.rule_id == "city-control_zone-concentrated" and r.verdict == "permitted"
        assert r.jurisdiction.code == "110000"
    assert rules.districts == ("110112", "110117")


def test_a_row_for_several_districts_and_its_default_id(tmp_path: Path) -> None:
    row = (
        "  - {kind: control_zone, class: restricted, activity: housing, verdict: prohibited,"
        " jurisdiction: ['110112', '110118'], condition_zh: 条件, condition_en: condition,"
        " citation: {source: city, article: 第九条}}"
    )
    rules = load_rules(_write_rules(tmp_path / "rules", [row]))
    tz = rules.rule_for("control_zone", "restricted", "housing", "110112")
    my = rules.rule_for("control_zone", "restricted", "housing", "110118")
    assert tz.rule_id == my.rule_id == "control_zone.restricted.housing@110112+110118"
    assert (tz.jurisdiction.name_en, my.jurisdiction.name_en) == (
        "Tongzhou District",
        "Miyun District",
    )
    assert rules.rule_for("control_zone", "restricted", "housing", "110117").verdict == "permitted"


def test_a_district_only_row_without_a_city_rule_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    _write_rules(folder, [])
    text = (folder / "rules.yaml").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if "city-redline-core" not in ln]
    lines.append(
        "  - {kind: redline, class: core, activity: '*', verdict: prohibited,"
        " condition_zh: 条件, condition_en: c, citation: {source: pg, article: 第一条}}"
    )
    (folder / "rules.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ManifestError, match=r"redline/core has no city-wide or national default"):
        load_rules(folder)


def test_an_unknown_jurisdiction_is_refused_naming_the_row(tmp_path: Path) -> None:
    row = TZ_ROW.replace("citation:", "jurisdiction: ['110999'], citation:")
    with pytest.raises(ManifestError) as exc:
        load_rules(_write_rules(tmp_path / "rules", [row]))
    assert "(id tz-industry): jurisdiction: unknown jurisdiction '110999'" in exc.value.message
    assert exc.value.detail["key"] == "jurisdiction"


@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("article: 第三章第二节", "article: 产业准入（种子文本 P:L119）", "种子"),
        ("article: 第三章第二节", "article: '平谷区规划 (seed B:L592)'", "seed B:"),
        ("article: 第三章第二节", "article: 'A:405-410'", "A:405"),
        ("condition_en: Tongzhou condition", "condition_en: as on L568", "L568"),
        ("condition_zh: 通州条件", "condition_zh: 见第12行", "第12行"),
        ("condition_en: Tongzhou condition", "condition_en: see lines 538-540", "lines 538-540"),
    ],
)
def test_the_loader_refuses_internal_references(
    tmp_path: Path, field: str, text: str, found: str
) -> None:
    row = TZ_ROW.replace(field, text)
    assert row != TZ_ROW
    with pytest.raises(ManifestError) as exc:
        load_rules(_write_rules(tmp_path / "rules", [row]))
    assert "rules[" in exc.value.message and "(id tz-industry)" in exc.value.message
    assert "internal reference" in exc.value.message and found in exc.value.message


def test_internal_reference_pattern_spares_published_references() -> None:
    for text in (
        "第七章第二节 七、深化重金属污染防治与新污染物监管",
        "表2-1 第21项",
        "GB 55014-2021 §2.1.3",
        "red line 2021 km² (%)",
        "generated from a fixed seed (20261125)",
        "第六十六条",
    ):
        assert internal_references(text) == [], text


# --- lookups --------------------------------------------------------------------------------


def test_a_point_in_each_district_cites_its_own_district_s_row(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = loaded
    tz = lookup(catalog, rules, _point(500, 500)).to_dict()
    pg = lookup(catalog, rules, _point(1500, 500)).to_dict()
    assert tz["admin"]["district"]["code"] == "110112"
    v = _verdicts(tz)["polluting_industry"]
    assert (v["verdict"], v["rule_id"], v["parts"]) == ("conditional", "tz-industry", None)
    assert v["citation"]["document"] == "通州区测试规划"
    assert v["citation"]["jurisdiction"] == TONGZHOU
    v = _verdicts(pg)["polluting_industry"]
    assert (v["verdict"], v["rule_id"]) == ("prohibited", "pg-industry")
    assert v["citation"]["jurisdiction"] == PINGGU
    hit = next(h for h in pg["hits"] if h["layer_kind"] == "control_zone")
    assert [r["citation"]["jurisdiction"]["code"] for r in hit["rules"]] == ["110117", "110000"]


def test_where_only_a_city_wide_row_exists_it_is_cited(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = loaded
    for x in (500, 1500):
        v = _verdicts(lookup(catalog, rules, _point(x, 500)).to_dict())["housing"]
        assert (v["verdict"], v["rule_id"]) == ("permitted", "city-control_zone-concentrated")
        assert v["citation"]["jurisdiction"] == BEIJING


def test_a_parcel_across_two_districts_gets_each_rule_on_its_part(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = loaded
    answer = lookup(catalog, rules, _parcel(800, 400, 1300, 600)).to_dict()
    cz = next(h for h in answer["hits"] if h["layer_kind"] == "control_zone")
    assert cz["overlap_m2"] == 100_000.0
    admin = {h["feature_id"]: h["overlap_m2"] for h in answer["hits"] if h["layer_kind"] == "admin"}
    assert admin == {"TZ": 40_000.0, "PG": 60_000.0}  # 200 m and 300 m of the 500 m width
    # the zone hit brings both districts' rules for polluting industry, one city rule for housing
    assert [(r["activity"], r["rule_id"]) for r in cz["rules"]] == [
        ("polluting_industry", "tz-industry"),
        ("polluting_industry", "pg-industry"),
        ("housing", "city-control_zone-concentrated"),
    ]
    v = _verdicts(answer)["polluting_industry"]
    assert (v["verdict"], v["rule_id"]) == ("prohibited", "pg-industry")  # the strict side
    assert v["citation"]["jurisdiction"] == PINGGU
    parts = [
        (p["district"]["code"], p["verdict"], p["rule_id"], p["citation"]["jurisdiction"]["code"])
        for p in v["parts"]
    ]
    assert parts == [
        ("110112", "conditional", "tz-industry", "110112"),
        ("110117", "prohibited", "pg-industry", "110117"),
    ]
    assert v["parts"][0]["district"] == {"code": "110112", "name": "通州区"}
    assert v["parts"][1]["decided_by"]["feature_id"] == "CON"
    housing = _verdicts(answer)["housing"]
    assert housing["verdict"] == "permitted"
    assert [p["rule_id"] for p in housing["parts"]] == ["city-control_zone-concentrated"] * 2


def test_a_parcel_in_one_district_has_no_parts(loaded: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = loaded
    v = _verdicts(lookup(catalog, rules, _parcel(100, 100, 400, 400)).to_dict())
    assert (v["polluting_industry"]["rule_id"], v["polluting_industry"]["parts"]) == (
        "tz-industry",
        None,
    )


def test_a_point_on_the_district_boundary_takes_the_strict_side(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = loaded
    v = _verdicts(lookup(catalog, rules, _point(1000, 500)).to_dict())["polluting_industry"]
    assert (v["verdict"], v["rule_id"]) == ("prohibited", "pg-industry")
    assert [p["verdict"] for p in v["parts"]] == ["conditional", "prohibited"]


def test_the_point_fast_path_gives_the_engine_s_bytes_in_both_districts(
    loaded: tuple[Catalog, RuleTable],
) -> None:
    catalog, rules = loaded
    # interleaved and repeated, so a template kept for one district is never reused in the other
    for x, y in [(500, 500), (1500, 500), (510, 490), (1490, 510), (1000, 500), (900, 100)]:
        for acts in ("polluting_industry,housing", "polluting_industry", ""):
            q = _point(x, y, acts)
            fast, _ = point_answer(catalog, rules, q)
            assert fast == answer_bytes(lookup(catalog, rules, q).to_dict()), (x, y, acts)
    tz, _ = point_answer(catalog, rules, _point(500, 500, "polluting_industry"))
    pg, _ = point_answer(catalog, rules, _point(1500, 500, "polluting_industry"))
    assert b'"tz-industry"' in tz and b'"pg-industry"' not in tz
    assert b'"pg-industry"' in pg and b'"tz-industry"' not in pg


def test_batch_points_use_each_point_s_district_rules(loaded: tuple[Catalog, RuleTable]) -> None:
    catalog, rules = loaded
    xs = [X0 + 500, X0 + 1500, X0 + 1000]  # Tongzhou, Pinggu, on the shared edge
    frame = batch_points(
        catalog, rules, xs, [Y0 + 500] * 3, "2026-01-01", ["polluting_industry"], crs=CRS
    )
    zone = frame[frame["kind"] == "control_zone"].set_index("point")["verdict_polluting_industry"]
    assert zone.to_dict() == {0: "conditional", 1: "prohibited", 2: "prohibited"}


# --- CLI and API ----------------------------------------------------------------------------


def test_cli_rules_list_names_each_rule_s_jurisdiction(layer_dir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["rules", "list", "--kind", "control_zone", "--layers-dir", str(layer_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = [ln for ln in result.output.splitlines() if "polluting_industry" in ln]
    assert [re.search(r"\b(110\d{3}) ", ln).group(1) for ln in rows if "concentrated" in ln] == [
        "110000",
        "110112",
        "110117",
    ]
    only = CliRunner().invoke(
        cli,
        ["rules", "list", "--district", "110117", "--activity", "polluting_industry",
         "--kind", "control_zone", "--json", "--layers-dir", str(layer_dir)],
    )  # fmt: skip
    data = json.loads(only.output)
    got = {r["zone_class"]: r["citation"]["jurisdiction"]["code"] for r in data["rules"]}
    assert got == {"eco_control": "110000", "restricted": "110000", "concentrated": "110117"}


def test_cli_lookup_prints_jurisdiction_and_district_parts(layer_dir: Path, tmp_path: Path) -> None:
    ring = [
        [X0 + 800, Y0 + 400],
        [X0 + 1300, Y0 + 400],
        [X0 + 1300, Y0 + 600],
        [X0 + 800, Y0 + 600],
    ]
    parcel = tmp_path / "parcel.geojson"
    parcel.write_text(json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}), "utf-8")
    args = ["lookup", str(parcel), "--crs", CRS, "--activity", "polluting_industry"]
    res = CliRunner().invoke(cli, [*args, "--as-of", "2026-01-01", "--layers", str(layer_dir)])
    assert res.exit_code == 0, res.output
    assert "jurisdiction: 平谷区 / Pinggu District (110117)" in res.output
    assert "part in 通州区 (110112): conditional (rule tz-industry): 通州区测试规划" in res.output
    assert "part in 平谷区 (110117): prohibited (rule pg-industry)" in res.output


def test_api_rules_show_the_jurisdiction(layer_dir: Path, tmp_path: Path) -> None:
    with api_client(layer_dir, tmp_path) as client:
        rows = client.get("/api/v1/rules").json()["rules"]
        by_id = {r["rule_id"]: r["citation"]["jurisdiction"]["name_en"] for r in rows}
        assert by_id["tz-industry"] == "Tongzhou District"
        assert by_id["pg-industry"] == "Pinggu District"
        assert by_id["city-control_zone-concentrated"] == "Beijing Municipality"
        resp = client.get(
            "/api/v1/rules", params={"district": "110112", "activity": "polluting_industry"}
        )
        assert resp.status_code == 200
        concentrated = [r for r in resp.json()["rules"] if r["zone_class"] == "concentrated"]
        assert [r["rule_id"] for r in concentrated] == ["tz-industry"]
        bad = client.get("/api/v1/rules", params={"district": "999"})
        assert bad.status_code == 422 and "unknown district" in bad.json()["message"]


def test_api_parcel_across_districts_and_its_printed_report(
    layer_dir: Path, tmp_path: Path
) -> None:
    ring = [
        [X0 + 800, Y0 + 400],
        [X0 + 1300, Y0 + 400],
        [X0 + 1300, Y0 + 600],
        [X0 + 800, Y0 + 600],
    ]
    body = {
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        "crs": CRS,
        "activity": "polluting_industry",
        "as_of": "2026-01-01",
    }
    with api_client(layer_dir, tmp_path) as client:
        r = client.post("/api/v1/lookup", json=body)
        assert r.status_code == 200, r.text
        v = r.json()["verdicts"][0]
        assert v["verdict"] == "prohibited" and v["citation"]["jurisdiction"] == PINGGU
        assert [p["district"]["code"] for p in v["parts"]] == ["110112", "110117"]
        page = client.get(f"/api/v1/reports/{r.json()['report_id']}/html")
        assert page.status_code == 200
        text = page.text
        assert "适用地域 Jurisdiction: 平谷区 / Pinggu District" in text
        assert "分区域判定 By district" in text
        assert "通州区 (110112):" in text and "〔通州区 / Tongzhou District〕" in text


# --- no internal references in anything a person reads -------------------------------------


def _user_facing_texts() -> list[tuple[str, str]]:
    """(where, text) of every user-facing string: rules, targets, vocab, UI, templates, docs."""
    out: list[tuple[str, str]] = []
    rules = load_rules(REPO / "layers" / "rules")
    for r in rules.rules():
        where = f"rule {r.rule_id} ({r.jurisdiction.code})"
        out += [(where, r.citation.document), (where, r.citation.article)]
        out += [(where, r.condition_zh), (where, r.condition_en)]
        out += [(where, t) for t in (r.dimensions or {}).values()]
    for a in rules.activities.values():
        out += [(f"activity {a.code}", t) for t in (a.zh, a.en, a.description_zh, a.description_en)]
    for t in TARGETS:
        out += [(f"target {t.indicator}/{t.scope}", s) for s in (t.label_zh, t.label_en, t.source)]
    for info in KINDS.values():
        out += [(f"kind {info.kind.value}", info.zh), (f"kind {info.kind.value}", info.en)]
    for kind, classes in CLASSES.items():
        for zc in classes:
            out += [(f"class {kind.value}/{zc.code}", s) for s in (zc.zh, zc.en, *zc.aliases)]
    files = [
        REPO / "static" / "js" / "i18n.js",
        *sorted((REPO / "api" / "templates").glob("*")),
        *sorted((REPO / "static").glob("*.html")),
        REPO / "README.md",
        REPO / "layers" / "README.md",
        REPO / "layers" / "rules" / "README.md",
        REPO / "DATA_LICENSES.md",
    ]
    for path in files:
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            out.append((f"{path.relative_to(REPO)}:{n}", line))
    return out


def test_no_user_facing_text_holds_internal_references() -> None:
    texts = _user_facing_texts()
    assert len(texts) > 1000  # the scan really reads the table, the UI strings and the docs
    found = [(where, internal_references(t)) for where, t in texts if internal_references(t)]
    assert found == []
