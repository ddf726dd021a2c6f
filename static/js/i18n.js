// Interface language: Chinese by default, English on request; the choice persists in localStorage.
// Elements carry data-i18n="key" (text), data-i18n-placeholder / data-i18n-title (attributes).

const STORAGE_KEY = "geozone.lang";

const DICT = {
  zh: {
    app_title: "geozone 生态分区查询",
    app_subtitle: "通州 · 平谷 · 密云",
    synthetic_banner: "合成演示数据 / synthetic demo data",
    synthetic_short: "合成演示数据",
    lang_switch: "English",
    tab_lookup: "合规查询",
    tab_coverage: "公园覆盖",
    activity: "拟建活动",
    as_of: "查询日期",
    crs: "坐标系",
    tolerance: "边界容差 (米)",
    search: "搜索",
    search_placeholder: "乡镇名称/代码，或坐标 116.65, 39.90",
    search_go: "定位",
    search_none: "未找到匹配的乡镇或坐标",
    mode_point: "点选查询",
    mode_point_hint: "在地图上单击任意位置查询该点",
    draw_polygon: "绘制多边形",
    draw_rectangle: "绘制矩形",
    draw_edit: "编辑",
    draw_delete: "删除",
    upload: "上传地块",
    upload_hint: "GeoJSON、压缩 Shapefile (.zip) 或 KML",
    coords: "拐点坐标",
    coords_hint: "每行一个拐点 \"x,y\"（经度,纬度 或 东坐标,北坐标）",
    coords_submit: "按拐点查询",
    crs_wgs84: "WGS84 (EPSG:4326)",
    crs_cgcs2000: "CGCS2000 (EPSG:4490)",
    crs_cgcs2000_gk: "CGCS2000 3° GK CM117E (EPSG:4548, 米)",
    crs_gcj02: "GCJ-02（高德/腾讯）",
    layers: "图层",
    legend: "图例",
    result: "查询结果",
    result_empty: "单击地图、绘制或上传地块以查询。",
    loading: "查询中…",
    verdict: "总体结论",
    verdict_prohibited: "禁止",
    verdict_conditional: "有条件允许",
    verdict_permitted: "允许",
    verdict_outside: "范围外",
    decided_by: "决定分区",
    hits: "命中分区",
    hit_layer: "图层",
    hit_class: "类别",
    hit_name: "名称",
    hit_version: "版本",
    hit_overlap: "重叠面积",
    hit_share: "占地块比例",
    edge: "边界附近",
    edge_note: "位于边界容差范围内（未落入该分区）",
    distance_to_boundary: "距边界",
    rule: "规则",
    citation: "依据",
    jurisdiction: "适用地域",
    by_district: "分区域判定（以最严者为准）",
    condition: "条件",
    superseded: "已被水源保护区规则取代",
    verify: "待核实",
    no_rules: "（背景图层，不设管控规则）",
    context: "背景图层概况",
    context_note: "行政区划、公园绿地、居住用地等背景图层只作说明，不决定结论",
    features: "个图斑",
    near_features: "个在边界容差内",
    admin_units: "涉及行政区",
    districts: "区",
    townships: "乡镇/街道",
    dates_available: "可查询日期",
    no_layers_for_date: "该日期无生效的行政区划图层，无法判断辖区与管控分区",
    parcel_area: "地块面积",
    point: "点",
    parcel: "地块",
    admin: "行政区",
    report_id: "报告编号",
    open_report: "打印报告",
    permalink: "永久链接",
    copy_link: "复制链接",
    warnings: "提示",
    layers_used: "所用图层版本",
    rules_version: "规则版本",
    outside_territory: "查询位置不在已加载的三个区范围内。",
    error: "错误",
    coverage_title: "公园绿地服务半径覆盖",
    coverage_district: "区",
    coverage_preset: "标准",
    coverage_run: "计算覆盖",
    coverage_ratio: "覆盖率",
    coverage_target: "规划目标",
    coverage_not_comparable: "口径不同，不作比较",
    coverage_meets: "达到目标",
    coverage_below: "低于目标",
    coverage_covered: "已覆盖居住用地",
    coverage_residential: "居住用地总面积",
    coverage_uncovered: "服务盲区",
    coverage_by_township: "分乡镇",
    coverage_township: "乡镇",
    service_area: "公园服务范围",
    blind_spot: "服务盲区（未覆盖居住用地）",
    report_title: "生态分区合规查询报告",
    report_generated: "生成时间",
    report_query: "查询",
    report_map: "地块与命中分区示意图",
    report_print: "打印",
    report_back: "返回地图",
    report_not_found: "未找到该报告",
    report_pdf: "PDF 下载",
    signature: "数字签名",
    verify_checking: "验证中…",
    verify_valid: "签名有效",
    verify_invalid: "签名无效",
    challenge_open: "报告错误",
    challenge_comment: "问题说明",
    challenge_placeholder: "例如：该图斑边界与实地不符",
    challenge_use_drawn: "附上所绘多边形作为更正范围",
    challenge_submit: "提交",
    challenge_cancel: "取消",
    challenge_too_short: "请至少填写 3 个字",
    challenge_sent: "已提交，编号",
    challenge_failed: "提交失败",
    hectare: "公顷",
    m2: "平方米",
    km2: "平方公里",
    loaded_layers: "图层加载中…",
    zoom_in: "放大后显示",
    restricted_layer: "受限图层 — 需要令牌",
    layerset: "图层集",
    layer_id: "图层编号",
    layer_kind: "图层类型",
  },
  en: {
    app_title: "geozone ecological zoning lookup",
    app_subtitle: "Tongzhou · Pinggu · Miyun",
    synthetic_banner: "synthetic demo data / 合成演示数据",
    synthetic_short: "synthetic demo data",
    lang_switch: "中文",
    tab_lookup: "Compliance",
    tab_coverage: "Park coverage",
    activity: "Proposed activity",
    as_of: "As of",
    crs: "CRS",
    tolerance: "Edge tolerance (m)",
    search: "Search",
    search_placeholder: "Township name/code, or coordinates 116.65, 39.90",
    search_go: "Go",
    search_none: "No matching township or coordinates",
    mode_point: "Point lookup",
    mode_point_hint: "Click anywhere on the map to check that point",
    draw_polygon: "Draw polygon",
    draw_rectangle: "Draw rectangle",
    draw_edit: "Edit",
    draw_delete: "Delete",
    upload: "Upload parcel",
    upload_hint: "GeoJSON, zipped shapefile (.zip) or KML",
    coords: "Corner coordinates (拐点)",
    coords_hint: "One corner \"x,y\" per line (lon,lat or easting,northing)",
    coords_submit: "Check corners",
    crs_wgs84: "WGS84 (EPSG:4326)",
    crs_cgcs2000: "CGCS2000 (EPSG:4490)",
    crs_cgcs2000_gk: "CGCS2000 3° GK CM117E (EPSG:4548, metres)",
    crs_gcj02: "GCJ-02 (Amap/Tencent)",
    layers: "Layers",
    legend: "Legend",
    result: "Result",
    result_empty: "Click the map, draw or upload a parcel to check it.",
    loading: "Checking…",
    verdict: "Overall verdict",
    verdict_prohibited: "Prohibited",
    verdict_conditional: "Conditional",
    verdict_permitted: "Permitted",
    verdict_outside: "Outside",
    decided_by: "Decided by",
    hits: "Zones hit",
    hit_layer: "Layer",
    hit_class: "Class",
    hit_name: "Name",
    hit_version: "Version",
    hit_overlap: "Overlap",
    hit_share: "Share of parcel",
    edge: "edge",
    edge_note: "within the edge tolerance (not inside this zone)",
    distance_to_boundary: "to boundary",
    rule: "Rule",
    citation: "Basis",
    jurisdiction: "Jurisdiction",
    by_district: "By district (the strictest decides)",
    condition: "Condition",
    superseded: "superseded by the water protection rule",
    verify: "to verify",
    no_rules: "(context layer: no rules)",
    context: "Context layers",
    context_note: "Admin units, parks and residential land explain the answer; they decide no verdict",
    features: "feature(s)",
    near_features: "within the edge tolerance",
    admin_units: "Admin units touched",
    districts: "Districts",
    townships: "Townships",
    dates_available: "Dates with layers",
    no_layers_for_date: "no administrative layer is in force on that date, so its territory and zones are unknown",
    parcel_area: "Parcel area",
    point: "Point",
    parcel: "Parcel",
    admin: "Admin unit",
    report_id: "Report id",
    open_report: "Print report",
    permalink: "Permalink",
    copy_link: "Copy link",
    warnings: "Notes",
    layers_used: "Layer versions used",
    rules_version: "Rules version",
    outside_territory: "The query lies outside the three loaded districts.",
    error: "Error",
    coverage_title: "Park service-radius coverage",
    coverage_district: "District",
    coverage_preset: "Standard",
    coverage_run: "Compute coverage",
    coverage_ratio: "Coverage",
    coverage_target: "Plan target",
    coverage_not_comparable: "not comparable, defined with another preset",
    coverage_meets: "meets target",
    coverage_below: "below target",
    coverage_covered: "Residential land covered",
    coverage_residential: "Residential land total",
    coverage_uncovered: "Blind spots",
    coverage_by_township: "By township",
    coverage_township: "Township",
    service_area: "Park service areas",
    blind_spot: "Blind spots (uncovered residential land)",
    report_title: "Ecological zoning compliance report",
    report_generated: "Generated",
    report_query: "Query",
    report_map: "Parcel and zones hit",
    report_print: "Print",
    report_back: "Back to the map",
    report_not_found: "Report not found",
    report_pdf: "PDF download",
    signature: "Signature",
    verify_checking: "checking…",
    verify_valid: "signature valid",
    verify_invalid: "signature not valid",
    challenge_open: "Report an inaccuracy",
    challenge_comment: "What is wrong",
    challenge_placeholder: "e.g. this zone's boundary does not match the ground",
    challenge_use_drawn: "attach the drawn polygon as the corrected outline",
    challenge_submit: "Submit",
    challenge_cancel: "Cancel",
    challenge_too_short: "Please write at least 3 characters",
    challenge_sent: "Sent, challenge",
    challenge_failed: "Could not send",
    hectare: "ha",
    m2: "m²",
    km2: "km²",
    loaded_layers: "Loading layers…",
    zoom_in: "zoom in to show",
    restricted_layer: "restricted — token needed",
    layerset: "Layer set",
    layer_id: "Layer id",
    layer_kind: "Layer kind",
  },
};

// zh/en names of codes shown to people (layer kinds, rule dimensions), from GET /api/v1/config
const LABELS = { kinds: {}, dimensions: {} };

/** Keep the labels of GET /api/v1/config (`labels`: {kinds, dimensions: [{code, zh, en}]}). */
export function setLabels(labels) {
  Object.keys(LABELS).forEach((group) => {
    (labels?.[group] || []).forEach((l) => {
      LABELS[group][l.code] = l;
    });
  });
}

/** The name of a layer kind (redline, admin, ...) in the current language; the code if unknown. */
export function kindLabel(code) {
  return pickPlain(LABELS.kinds[code]) || code;
}

/** The name of a rule dimension (spatial_layout, ...) in the current language. */
export function dimensionLabel(code) {
  return pickPlain(LABELS.dimensions[code]) || code;
}

/** An error's message in the current language (the API adds `detail.message_zh`). */
export function errorMessage(err) {
  const zh = err?.detail?.message_zh;
  return (current === "zh" && zh) || err?.message || String(err);
}

const listeners = new Set();
let current = readStored();

function readStored() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === "en" || v === "zh" ? v : "zh";
  } catch {
    return "zh";
  }
}

/** The current language code, "zh" or "en". */
export function lang() {
  return current;
}

/** Translate a key; unknown keys fall back to Chinese, then to the key itself. */
export function t(key) {
  return DICT[current][key] ?? DICT.zh[key] ?? key;
}

/** Pick the zh or en field of an object: pick(obj, "class") reads class_zh / class_en. */
export function pick(obj, base) {
  if (!obj) return "";
  const own = obj[`${base}_${current}`];
  const other = obj[`${base}_${current === "zh" ? "en" : "zh"}`];
  return own || other || "";
}

/** Pick "zh"/"en" from an object that has both as plain keys. */
export function pickPlain(obj) {
  if (!obj) return "";
  return obj[current] || obj.zh || obj.en || "";
}

/** Set the language, persist it, relabel the page and notify listeners. */
export function setLang(code) {
  current = code === "en" ? "en" : "zh";
  try {
    window.localStorage.setItem(STORAGE_KEY, current);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyTo(document);
  listeners.forEach((fn) => fn(current));
}

/** Add zh/en strings of a feature module ({zh: {...}, en: {...}}); a key both sides or none. */
export function addStrings(strings) {
  Object.assign(DICT.zh, strings.zh);
  Object.assign(DICT.en, strings.en);
}

/** Run fn whenever the language changes. */
export function onLangChange(fn) {
  listeners.add(fn);
}

/** Relabel every element carrying data-i18n attributes under root. */
export function applyTo(root) {
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  root.querySelectorAll("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  root.querySelectorAll("[data-i18n-title]").forEach((el) => {
    el.title = t(el.dataset.i18nTitle);
  });
}

/** Format an area in m² as m², ha or km² for display. */
export function formatArea(m2) {
  if (m2 === null || m2 === undefined) return "–";
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} ${t("km2")}`;
  if (m2 >= 1e4) return `${(m2 / 1e4).toFixed(2)} ${t("hectare")}`;
  return `${Math.round(m2).toLocaleString()} ${t("m2")}`;
}

/** Format a 0..1 share as a percentage. */
export function formatShare(share) {
  if (share === null || share === undefined) return "–";
  return `${(share * 100).toFixed(1)}%`;
}
