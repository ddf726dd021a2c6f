"""Rule tables: the shipped table's verdicts against the legal text, validation, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import LAYERS

from geozone.cli import cli
from geozone.errors import InvalidInput, ManifestError, UnknownActivity, UnknownClass
from geozone.rules import SEVERITY, RuleTable, Verdict, load_rules, zone_kinds
from geozone.vocab import CLASSES, LayerKind

RULES_DIR = LAYERS / "rules"
WPL = "水污染防治法"
MIYUN = "密云水库水源保护条例"


@pytest.fixture(scope="module")
def table() -> RuleTable:
    return load_rules(RULES_DIR)


# --- the shipped table ----------------------------------------------------------------------


def test_shipped_table_loads_with_version_and_activities(table: RuleTable) -> None:
    assert table.version == "2026.11-demo"
    assert len(table.hash) == 16
    codes = list(table.activities)
    for code in (
        "urban_housing", "school_hospital_elderly", "commercial", "general_industry",
        "polluting_industry", "heavy_metal_chemical", "sewage_outfall", "landfill_waste",
        "mining_sand", "tailings_pond", "cage_fish_farming", "tourism_recreation",
        "swimming_angling", "farming_agrochemicals", "linear_infrastructure",
        "water_supply_facility", "ecological_restoration", "monitoring_research_patrol",
        "park_green_space", "villager_housing",
    ):  # fmt: skip
        assert code in codes
    assert len(codes) == len(set(codes)) == 20
    housing = table.activity("urban_housing")
    assert housing.zh == "城镇住宅建设" and housing.en and housing.description_zh


def test_redline_core_prohibits_polluting_industry_citing_142(table: RuleTable) -> None:
    r = table.rule_for(LayerKind.REDLINE, "core", "polluting_industry")
    assert r.verdict is Verdict.PROHIBITED
    assert "自然资发〔2022〕142号" in r.citation.document
    assert r.citation.confidence == "src"
    assert r.activity == "polluting_industry"  # default row returned for the asked activity
    assert r.rule_id == "redline.core.default"


def test_redline_core_allows_only_monitoring_conditionally(table: RuleTable) -> None:
    verdicts = {a: table.rule_for("redline", "core", a).verdict for a in table.activities}
    assert verdicts.pop("monitoring_research_patrol") is Verdict.CONDITIONAL
    assert set(verdicts.values()) == {Verdict.PROHIBITED}


def test_redline_general_follows_the_ten_limited_activities(table: RuleTable) -> None:
    restoration = table.rule_for("redline", "general", "ecological_restoration")
    assert restoration.verdict is Verdict.CONDITIONAL
    assert "第8项" in restoration.citation.article
    assert restoration.citation.confidence == "verify"  # items 7-10 are [mem, verify]
    linear = table.rule_for("redline", "general", "linear_infrastructure")
    assert linear.verdict is Verdict.CONDITIONAL and "第6项" in linear.citation.article
    assert linear.citation.confidence == "src"
    tourism = table.rule_for("redline", "general", "tourism_recreation")
    assert tourism.verdict is Verdict.CONDITIONAL and "第5项" in tourism.citation.article
    for act in ("urban_housing", "commercial", "polluting_industry", "landfill_waste"):
        r = table.rule_for("redline", "general", act)
        assert r.verdict is Verdict.PROHIBITED, act
        assert "142号" in r.citation.document
    heavy = table.rule_for("redline", "general", "heavy_metal_chemical", "110117")
    assert heavy.jurisdiction.name_zh == "平谷区" and "平谷区" in heavy.citation.document
    national = table.rule_for("redline", "general", "heavy_metal_chemical", "110112")
    assert national.verdict is Verdict.PROHIBITED and "142号" in national.citation.document
    assert national.jurisdiction.level == "national"
    assert heavy.verdict is Verdict.PROHIBITED and "重金属" in heavy.condition_zh


def test_water_grade1_bans_swimming_angling_citing_article_65(table: RuleTable) -> None:
    r = table.rule_for("water_protection", "一级保护区", "swimming_angling")
    assert r.verdict is Verdict.PROHIBITED
    assert WPL in r.citation.document and r.citation.article == "第六十五条"
    assert r.citation.url and r.citation.url.startswith("http")
    for act in ("cage_fish_farming", "tourism_recreation", "urban_housing"):
        assert table.rule_for("water_protection", "grade1", act).verdict is Verdict.PROHIBITED
    supply = table.rule_for("water_protection", "grade1", "water_supply_facility")
    assert supply.verdict is Verdict.PERMITTED


def test_every_water_zone_bans_outfalls_under_article_64(table: RuleTable) -> None:
    for zc in CLASSES[LayerKind.WATER_PROTECTION]:
        r = table.rule_for("water_protection", zc.code, "sewage_outfall")
        assert r.verdict is Verdict.PROHIBITED, zc.code
        assert r.citation.article == "第六十四条" and WPL in r.citation.document


def test_water_grade2_and_quasi_follow_articles_66_and_67(table: RuleTable) -> None:
    assert (
        table.rule_for("water_protection", "grade2", "polluting_industry").verdict == "prohibited"
    )
    cage = table.rule_for("water_protection", "grade2", "cage_fish_farming")
    assert cage.verdict is Verdict.CONDITIONAL and cage.citation.article == "第六十六条"
    quasi = table.rule_for("water_protection", "quasi", "heavy_metal_chemical")
    assert quasi.verdict is Verdict.PROHIBITED and quasi.citation.article == "第六十七条"
    assert quasi.citation.confidence == "verify"  # §67 is [mem, verify] in the standards


def test_reservoir_rings(table: RuleTable) -> None:
    tailings = table.rule_for("reservoir_ring", "ring1000", "tailings_pond")
    assert tailings.verdict is Verdict.PROHIBITED
    assert MIYUN in tailings.citation.document and tailings.citation.article == "第十六条"
    housing = table.rule_for("reservoir_ring", "ring1000", "urban_housing")
    assert housing.verdict is Verdict.PERMITTED and "第十七条" in housing.condition_zh
    ring100 = table.rule_for("reservoir_ring", "ring100", "urban_housing")
    assert ring100.verdict is Verdict.PROHIBITED and ring100.citation.article == "第十五条"
    assert table.rule_for("reservoir_ring", "ring100", "ecological_restoration").verdict == (
        "conditional"
    )
    for act in ("cage_fish_farming", "farming_agrochemicals", "mining_sand", "tailings_pond"):
        r = table.rule_for("reservoir_ring", "management", act)
        assert r.verdict is Verdict.PROHIBITED and "第十四条" in r.citation.article
        assert r.citation.confidence == "verify"  # §14 heading not seen in the source


def test_control_zones(table: RuleTable) -> None:
    r = table.rule_for("control_zone", "concentrated", "urban_housing")
    assert r.verdict is Verdict.PERMITTED
    assert "京政发〔2019〕7号" in r.citation.document
    # Pinggu's plan bars new polluting industry from its restricted area; elsewhere the
    # city-wide reading of 京政发〔2019〕7号 (strictly controlled) applies
    pinggu = table.rule_for("control_zone", "restricted", "polluting_industry", "110117")
    assert pinggu.verdict == "prohibited" and pinggu.jurisdiction.code == "110117"
    for district in (None, "110112", "110118"):
        city = table.rule_for("control_zone", "restricted", "polluting_industry", district)
        assert city.verdict == "conditional" and city.jurisdiction.code == "110000"
        assert "7号" in city.citation.document
    # the issue: polluting industry in Tongzhou's 集中建设区 cited Pinggu's plan
    tongzhou = table.rule_for("control_zone", "concentrated", "polluting_industry", "110112")
    assert "平谷" not in tongzhou.citation.document and "平谷" not in tongzhou.condition_zh
    assert "京政发〔2021〕35号" in tongzhou.citation.document
    assert table.rule_for("control_zone", "restricted", "urban_housing").verdict == "conditional"
    assert table.rule_for("control_zone", "eco_control", "urban_housing").verdict == "prohibited"
    assert table.rule_for("control_zone", "eco_control", "ecological_restoration").verdict == (
        "permitted"
    )


def test_control_units_carry_four_dimensions(table: RuleTable) -> None:
    for zc in CLASSES[LayerKind.CONTROL_UNIT]:
        for act in table.activities:
            r = table.rule_for("control_unit", zc.code, act)
            assert r.dimensions is not None
            assert list(r.dimensions) == [
                "spatial_layout", "emission_control", "risk_prevention", "resource_efficiency"
            ]  # fmt: skip
    assert table.rule_for("control_unit", "priority", "polluting_industry").verdict == "prohibited"
    assert table.rule_for("control_unit", "key", "polluting_industry").verdict == "conditional"
    assert table.rule_for("control_unit", "general", "urban_housing").verdict == "permitted"
    assert table.rule_for("redline", "core", "urban_housing").dimensions is None


def test_every_zone_class_and_activity_resolves(table: RuleTable) -> None:
    seen = 0
    for kind in zone_kinds():
        for zc in CLASSES[kind]:
            for act in table.activities:
                r = table.rule_for(kind, zc.code, act)
                assert r.kind is kind and r.zone_class == zc.code and r.activity == act
                assert r.verdict in (Verdict.PROHIBITED, Verdict.CONDITIONAL, Verdict.PERMITTED)
                assert r.citation.document and r.citation.article
                assert r.citation.confidence in ("src", "verify")
                assert r.condition_zh and r.condition_en
                assert "  " not in r.condition_zh and " " not in r.condition_zh[:2]
                seen += 1
    assert seen == (2 + 3 + 3 + 3 + 3) * 20
    general = [r for r in table.resolved() if r.jurisdiction.level != "district"]
    assert len(general) == seen
    assert {k.value for k in zone_kinds()} == {
        "redline", "control_zone", "water_protection", "reservoir_ring", "control_unit"
    }  # fmt: skip


def test_severity_order() -> None:
    ordered = sorted(Verdict, key=SEVERITY.__getitem__, reverse=True)
    assert ordered == [Verdict.PROHIBITED, Verdict.CONDITIONAL, Verdict.PERMITTED, Verdict.OUTSIDE]


def test_lookup_errors(table: RuleTable) -> None:
    with pytest.raises(UnknownActivity) as exc:
        table.activity("fracking")
    assert "fracking" in exc.value.message and "urban_housing" in exc.value.message
    assert "park_green_space" in exc.value.detail["allowed"]
    with pytest.raises(UnknownActivity):
        table.rule_for("redline", "core", "fracking")
    with pytest.raises(UnknownClass):
        table.rule_for("redline", "grade1", "urban_housing")
    with pytest.raises(InvalidInput, match="not a zone kind"):
        table.rule_for("park", "community", "urban_housing")
    with pytest.raises(InvalidInput, match="unknown layer kind"):
        table.rule_for("forest", "core", "urban_housing")


def test_to_dict_is_json_ready_and_deterministic(table: RuleTable) -> None:
    first = json.dumps(table.to_dict(), ensure_ascii=False, sort_keys=True)
    again = json.dumps(load_rules(RULES_DIR).to_dict(), ensure_ascii=False, sort_keys=True)
    assert first == again
    data = table.to_dict()
    assert set(data) == {"version", "hash", "activities", "rules"}
    assert [a["code"] for a in data["activities"]] == list(table.activities)
    kinds = [r["kind"] for r in data["rules"]]
    order = [k.value for k in LayerKind]
    assert kinds == sorted(kinds, key=order.index)  # grouped in vocabulary order
    first_water = next(r for r in data["rules"] if r["kind"] == "water_protection")
    assert (first_water["zone_class"], first_water["activity"]) == ("grade1", "*")
    assert set(data["rules"][0]["citation"]) == {
        "document", "article", "url", "confidence", "jurisdiction"
    }  # fmt: skip
    assert data["rules"][0]["citation"]["jurisdiction"] == {
        "code": "100000", "level": "national", "name_zh": "全国", "name_en": "National"
    }  # fmt: skip


# --- broken and replaced tables --------------------------------------------------------------


def _copy_table(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst, ignore=shutil.ignore_patterns("*.md"))
    return dst


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _broken(tmp_path: Path, file: str, change: object) -> ManifestError:
    folder = _copy_table(tmp_path)
    _edit(folder / file, change)
    with pytest.raises(ManifestError) as exc:
        load_rules(folder)
    return exc.value


def test_missing_citation_is_refused(tmp_path: Path) -> None:
    def drop(data: dict) -> None:
        del data["rules"][2]["citation"]

    err = _broken(tmp_path, "rules_water_protection.yaml", drop)
    assert "rules_water_protection.yaml" in err.message
    assert "rules[2]" in err.message and "citation" in err.message


def test_citation_without_document_is_refused(tmp_path: Path) -> None:
    def drop(data: dict) -> None:
        data["rules"][0]["citation"] = {"article": "第六十五条", "confidence": "src"}

    err = _broken(tmp_path, "rules_water_protection.yaml", drop)
    assert "rules[0]" in err.message and "citation.document" in err.message


def test_citation_without_article_is_refused(tmp_path: Path) -> None:
    def drop(data: dict) -> None:
        del data["rules"][1]["citation"]["article"]

    err = _broken(tmp_path, "rules_redline.yaml", drop)
    assert "rules_redline.yaml" in err.message and "rules[1]" in err.message
    assert "article" in err.message


def test_unknown_class_is_refused(tmp_path: Path) -> None:
    def bad(data: dict) -> None:
        data["rules"][3]["class"] = "grade7"

    err = _broken(tmp_path, "rules_water_protection.yaml", bad)
    assert "rules_water_protection.yaml" in err.message and "rules[3]" in err.message
    assert "class" in err.message and "grade7" in err.message


def test_duplicate_row_is_refused(tmp_path: Path) -> None:
    def dup(data: dict) -> None:
        row = dict(data["rules"][1])
        row["verdict"] = "permitted"
        data["rules"].append(row)

    err = _broken(tmp_path, "rules_reservoir_ring.yaml", dup)
    assert "rules_reservoir_ring.yaml" in err.message
    assert "reservoir_ring.management.sewage_outfall" in err.message
    assert "duplicate row" in err.message and "rules[" in err.message


def test_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    def dup(data: dict) -> None:
        data["rules"][0]["id"] = "same"
        data["rules"][1]["id"] = "same"

    err = _broken(tmp_path, "rules_redline.yaml", dup)
    assert "rules_redline.yaml: rules[1] (id same): id: duplicate rule id" in err.message


def test_bad_verdict_is_refused(tmp_path: Path) -> None:
    def bad(data: dict) -> None:
        data["rules"][4]["verdict"] = "allowed"

    err = _broken(tmp_path, "rules_control_zone.yaml", bad)
    assert "rules_control_zone.yaml" in err.message and "rules[4]" in err.message
    assert "verdict" in err.message


def test_unknown_activity_in_a_rule_is_refused(tmp_path: Path) -> None:
    def bad(data: dict) -> None:
        data["rules"][1]["activity"] = "fracking"

    err = _broken(tmp_path, "rules_redline.yaml", bad)
    assert "rules_redline.yaml" in err.message and "rules[1]" in err.message
    assert "activity" in err.message and "fracking" in err.message
    assert "urban_housing" in err.message  # names the allowed codes


def test_bad_confidence_flag_is_refused(tmp_path: Path) -> None:
    def bad(data: dict) -> None:
        data["rules"][0]["citation"]["confidence"] = "sure"

    err = _broken(tmp_path, "rules_control_unit.yaml", bad)
    assert "rules_control_unit.yaml" in err.message and "confidence" in err.message


def test_incomplete_class_is_refused(tmp_path: Path) -> None:
    def drop_default(data: dict) -> None:
        data["rules"] = [
            r for r in data["rules"] if not (r["class"] == "quasi" and r["activity"] == "*")
        ]

    err = _broken(tmp_path, "rules_water_protection.yaml", drop_default)
    assert "water_protection/quasi" in err.message and "urban_housing" in err.message


def test_missing_version_is_refused(tmp_path: Path) -> None:
    def drop(data: dict) -> None:
        del data["version"]

    err = _broken(tmp_path, "activities.yaml", drop)
    assert "activities.yaml" in err.message and "version" in err.message


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    folder = _copy_table(tmp_path)
    (folder / "rules_redline.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"rules_redline\.yaml: not valid YAML"):
        load_rules(folder)


OPERATOR_ACTIVITIES = """
version: "op-7"
activities:
  - {code: kiosk, zh: 售货亭, en: Kiosk, description_zh: 小型售货亭, description_en: A small kiosk}
  - {code: well, zh: 水井, en: Well, description_zh: 取水井, description_en: A water well}
"""

OPERATOR_RULES = """
sources:
  law: {document: 测试法规, url: null, confidence: verify}
rules:
  - {kind: redline, class: core, activity: "*", verdict: prohibited,
     condition_zh: 禁止, condition_en: Prohibited, citation: {source: law, article: 第1条}}
  - {kind: redline, class: 一般控制区, activity: "*", verdict: conditional,
     condition_zh: 有条件, condition_en: Conditional, citation: {source: law, article: 第2条}}
  - {kind: redline, class: general, activity: well, verdict: permitted, id: op-well,
     condition_zh: 允许, condition_en: Allowed,
     citation: {document: 另一法规, article: 第3条, confidence: src}}
"""


def _operator_table(tmp_path: Path) -> Path:
    folder = tmp_path / "op"
    folder.mkdir()
    (folder / "activities.yaml").write_text(OPERATOR_ACTIVITIES, encoding="utf-8")
    (folder / "rules.yaml").write_text(OPERATOR_RULES, encoding="utf-8")
    others = "\n".join(
        f"  - {{kind: {k.value}, class: {c.code}, activity: '*', verdict: permitted, "
        f"condition_zh: 允许, condition_en: Allowed, citation: {{source: law, article: 第9条}}}}"
        for k in zone_kinds()
        if k is not LayerKind.REDLINE
        for c in CLASSES[k]
    )
    (folder / "rules_other.yaml").write_text(
        "sources:\n  law: {document: 测试法规, confidence: verify}\nrules:\n" + others + "\n",
        encoding="utf-8",
    )
    return folder


def test_operator_replaced_table_loads_without_code_changes(tmp_path: Path) -> None:
    table = load_rules(_operator_table(tmp_path))
    assert table.version == "op-7"
    assert list(table.activities) == ["kiosk", "well"]
    well = table.rule_for("redline", "general", "well")
    assert (well.verdict, well.rule_id, well.citation.document) == (
        Verdict.PERMITTED,
        "op-well",
        "另一法规",
    )
    kiosk = table.rule_for("redline", "生态保护红线", "kiosk")
    assert kiosk.verdict is Verdict.CONDITIONAL and kiosk.rule_id == "redline.general.default"
    assert kiosk.citation.confidence == "verify" and kiosk.citation.url is None
    assert table.rule_for("control_zone", "concentrated", "kiosk").verdict is Verdict.PERMITTED
    with pytest.raises(UnknownActivity, match="kiosk, well"):
        table.activity("urban_housing")
    assert table.files == ("activities.yaml", "rules.yaml", "rules_other.yaml")


# --- CLI -------------------------------------------------------------------------------------


def test_cli_rules_list_json_filters() -> None:
    result = CliRunner().invoke(
        cli,
        ["rules", "list", "--kind", "water_protection", "--activity", "swimming_angling",
         "--json", "--rules-dir", str(RULES_DIR)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["version"] == "2026.11-demo"
    got = {r["zone_class"]: r["verdict"] for r in data["rules"]}
    assert got == {"grade1": "prohibited", "grade2": "conditional", "quasi": "conditional"}
    assert all(r["activity"] == "swimming_angling" for r in data["rules"])


def test_cli_rules_list_table_and_all_rules() -> None:
    result = CliRunner().invoke(cli, ["rules", "list", "--layers-dir", str(LAYERS)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # 280 city-wide or national rules, each followed by any district's own (17 rows)
    assert lines[0].startswith("rule table 2026.11-demo") and "297 rules" in lines[0]
    assert len(lines) == 2 + 297
    assert "jurisdiction" in lines[1]
    assert sum("110117 Pinggu District" in ln for ln in lines) == 15
    assert sum("110112 Tongzhou District" in ln for ln in lines) == 1
    assert sum("110118 Miyun District" in ln for ln in lines) == 1
    in_pinggu = CliRunner().invoke(
        cli, ["rules", "list", "--district", "110117", "--layers-dir", str(LAYERS)]
    )
    assert in_pinggu.exit_code == 0 and "280 rules" in in_pinggu.output
    row = next(ln for ln in lines if ln.startswith("reservoir_ring") and "tailings_pond" in ln)
    assert "ring" in row
    assert any("ring1000" in ln and "tailings_pond" in ln and "prohibited" in ln for ln in lines)


def test_cli_activities() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["activities", "--json", "--rules-dir", str(RULES_DIR)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 20 and data[0]["code"] == "urban_housing"
    text = runner.invoke(cli, ["activities", "--rules-dir", str(RULES_DIR)])
    assert text.exit_code == 0 and "swimming_angling" in text.output and "游泳" in text.output


def test_cli_unknown_activity_is_a_clear_error() -> None:
    result = CliRunner().invoke(
        cli, ["rules", "list", "--activity", "fracking", "--rules-dir", str(RULES_DIR)]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, UnknownActivity)
    assert "allowed" in result.exception.message
