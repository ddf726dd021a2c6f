// The result panel: zones hit (layer, class, name, version, edge), the overall verdict for the
// chosen activity, and per hit the rule text with its citation; parcels add overlap area/share.
// Parcels asked with detail=summary list the control-layer hits and count the context layers
// (admin, parks, residential) per layer and class. Rendering helpers are shared with the
// printable report (report.js).

import { t, pick, lang, formatArea, formatShare, kindLabel, dimensionLabel, errorMessage } from "./i18n.js";
import { VERDICT_COLOURS } from "./styles.js";
import { challengeButton, pdfLink } from "./challenge.js";

/** Create an element with a class and optional text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** Citation as "document article" with a link when a URL is known. */
export function citationNode(citation) {
  const span = el("span", "gz-citation");
  if (!citation) {
    span.textContent = "–";
    return span;
  }
  const text = [citation.document, citation.article].filter(Boolean).join(" ");
  if (citation.url) {
    const a = el("a", null, text);
    a.href = citation.url;
    a.target = "_blank";
    a.rel = "noopener";
    span.appendChild(a);
  } else {
    span.textContent = text;
  }
  if (citation.confidence === "verify") {
    span.appendChild(el("small", "gz-verify", ` (${t("verify")})`));
  }
  if (citation.jurisdiction) {
    // where the rule applies: a district plan binds its district only
    const j = el("small", "gz-jurisdiction", ` 〔${t("jurisdiction")}: ${pick(citation.jurisdiction, "name")}〕`);
    j.dataset.jurisdiction = citation.jurisdiction.code;
    span.appendChild(j);
  }
  return span;
}

/** A query across districts: each district part's verdict with its rule's citation. */
export function partsNode(parts) {
  const box = el("div", "gz-parts gz-small");
  box.appendChild(el("div", null, `${t("by_district")}:`));
  const list = el("ul");
  parts.forEach((p) => {
    const item = el("li");
    item.dataset.district = p.district ? p.district.code : "";
    item.appendChild(el("span", null, `${p.district ? p.district.name : "–"} `));
    item.appendChild(verdictBadge(p.verdict));
    item.appendChild(el("span", null, " "));
    item.appendChild(citationNode(p.citation));
    list.appendChild(item);
  });
  box.appendChild(list);
  return box;
}

/** A coloured verdict badge. */
export function verdictBadge(verdict) {
  const b = el("span", `gz-verdict gz-verdict-${verdict}`, t(`verdict_${verdict}`));
  b.style.background = VERDICT_COLOURS[verdict] || "#595959";
  b.dataset.verdict = verdict;
  return b;
}

/** The synthetic-data label, shown on every result while the demo set is loaded. */
export function syntheticNode() {
  return el("div", "gz-synthetic", "synthetic demo data / 合成演示数据");
}

function condition(obj) {
  return pick(obj, "condition");
}

/** The overall verdicts block. */
export function verdictsNode(result) {
  const box = el("section", "gz-verdicts");
  box.appendChild(el("h3", null, t("verdict")));
  (result.verdicts || []).forEach((v) => {
    const row = el("div", "gz-verdict-row");
    row.dataset.activity = v.activity;
    const head = el("div", "gz-verdict-head");
    head.appendChild(el("strong", null, pick(v, "activity") || v.activity));
    head.appendChild(verdictBadge(v.verdict));
    row.appendChild(head);
    if (v.decided_by) {
      row.appendChild(
        el("div", "gz-small", `${t("decided_by")}: ${pick(v.decided_by, "class")} (${v.decided_by.feature_id})`),
      );
    }
    const cond = condition(v);
    if (cond) row.appendChild(el("div", "gz-condition", cond));
    if (v.citation) {
      const c = el("div", "gz-small");
      c.appendChild(el("span", null, `${t("citation")}: `));
      c.appendChild(citationNode(v.citation));
      row.appendChild(c);
    }
    if (v.parts && v.parts.length) row.appendChild(partsNode(v.parts));
    box.appendChild(row);
  });
  if (result.inside_territory === false) {
    box.appendChild(el("div", "gz-warning", t("outside_territory")));
  }
  return box;
}

/** One hit: header line, facts, rules for the chosen activities. */
export function hitNode(hit, activities, isParcel) {
  // a parcel crossing a zone boundary is always "near" it: mark edges of points, and of
  // parcels only when the hit is edge-only (not overlapping)
  const showEdge = Boolean(hit.edge) && (!isParcel || !hit.inside);
  const card = el("div", `gz-hit${showEdge && !hit.inside ? " gz-hit-edge" : ""}`);
  card.dataset.layer = hit.layer_id;
  card.dataset.feature = hit.feature_id;
  card.dataset.edge = String(showEdge);
  const head = el("div", "gz-hit-head");
  head.appendChild(el("strong", null, pick(hit, "class") || hit.zone_class));
  if (showEdge) {
    const tag = el("span", "gz-edge-tag", t("edge"));
    tag.title = hit.inside ? "" : t("edge_note");
    head.appendChild(tag);
  }
  card.appendChild(head);
  const facts = el("div", "gz-hit-facts");
  const layerTitle = lang() === "zh" ? hit.layer_title_zh : hit.layer_title_en;
  facts.appendChild(el("div", null, `${t("hit_layer")}: ${layerTitle || hit.layer_id}`));
  if (hit.name) facts.appendChild(el("div", null, `${t("hit_name")}: ${hit.name}`));
  facts.appendChild(
    el("div", null, `${t("hit_version")}: ${hit.layer_version} · ${hit.feature_id}`),
  );
  if (isParcel && hit.overlap_m2 !== null && hit.overlap_m2 !== undefined) {
    facts.appendChild(
      el(
        "div",
        "gz-overlap",
        `${t("hit_overlap")}: ${formatArea(hit.overlap_m2)} · ${t("hit_share")}: ${formatShare(hit.overlap_share)}`,
      ),
    );
  }
  if (showEdge && typeof hit.distance_to_boundary_m === "number") {
    facts.appendChild(
      el("div", "gz-small", `${t("distance_to_boundary")}: ${hit.distance_to_boundary_m.toFixed(1)} m${hit.inside ? "" : ` · ${t("edge_note")}`}`),
    );
  }
  card.appendChild(facts);
  const rules = (hit.rules || []).filter((r) => !activities.length || activities.includes(r.activity));
  if (!rules.length && !(hit.rules || []).length) {
    card.appendChild(el("div", "gz-small gz-muted", `${kindLabel(hit.layer_kind)} ${t("no_rules")}`));
  }
  rules.forEach((r) => {
    const rule = el("div", `gz-rule${r.superseded_by ? " gz-superseded" : ""}`);
    const line = el("div", "gz-rule-head");
    line.appendChild(verdictBadge(r.verdict));
    line.appendChild(el("span", "gz-small", ` ${r.rule_id}`));
    rule.appendChild(line);
    const cond = condition(r);
    if (cond) rule.appendChild(el("div", "gz-condition", cond));
    if (r.dimensions) {
      const dl = el("dl", "gz-dimensions");
      Object.entries(r.dimensions).forEach(([k, v]) => {
        dl.appendChild(el("dt", null, dimensionLabel(k)));
        dl.appendChild(el("dd", null, v));
      });
      rule.appendChild(dl);
    }
    const cite = el("div", "gz-small");
    cite.appendChild(el("span", null, `${t("citation")}: `));
    cite.appendChild(citationNode(r.citation));
    rule.appendChild(cite);
    if (r.superseded_by) {
      rule.appendChild(el("div", "gz-small gz-muted", `${t("superseded")} (${r.superseded_by})`));
    }
    card.appendChild(rule);
  });
  return card;
}

/** Query facts: type, date, CRS, area, admin unit. */
export function queryFactsNode(result) {
  const q = result.query || {};
  const box = el("div", "gz-query-facts");
  const parts = [
    q.type === "parcel" ? t("parcel") : t("point"),
    `${t("as_of")}: ${result.as_of}`,
    `${t("crs")}: ${q.crs}`,
  ];
  if (q.type === "parcel" && q.area_m2 !== null && q.area_m2 !== undefined) {
    parts.push(`${t("parcel_area")}: ${formatArea(q.area_m2)}`);
  }
  box.appendChild(el("div", null, parts.join(" · ")));
  const admin = result.admin || {};
  const names = [admin.district?.name, admin.township?.name].filter(Boolean);
  if (names.length) box.appendChild(el("div", null, `${t("admin")}: ${names.join(" ")}`));
  const units = adminUnitsText(result);
  if (units) box.appendChild(el("div", "gz-admin-units", units));
  return box;
}

/** Every district and township a parcel touches, with area and share ("" when only one of each). */
export function adminUnitsText(result) {
  const admin = result.admin || {};
  const districts = admin.districts || [];
  const townships = admin.townships || [];
  if (result.query?.type !== "parcel" || (districts.length < 2 && townships.length < 2)) return "";
  const list = (units) =>
    units.map((u) => `${u.name} ${formatArea(u.area_m2)} (${formatShare(u.share)})`).join("、");
  return `${t("admin_units")}: ${t("districts")} ${list(districts)}; ${t("townships")} ${list(townships)}`;
}

/** The context layers of a summary answer: per layer and class, features and overlap. */
export function contextNode(result) {
  const groups = result.context || [];
  if (!groups.length) return null;
  const box = el("section", "gz-context");
  box.appendChild(el("h3", null, t("context")));
  box.appendChild(el("div", "gz-small gz-muted", t("context_note")));
  groups.forEach((c) => {
    const row = el("div", "gz-context-row");
    row.dataset.layer = c.layer_id;
    row.dataset.count = String(c.count);
    const parts = [`${kindLabel(c.layer_kind)} · ${pick(c, "class") || c.zone_class}`, `${c.count} ${t("features")}`];
    if (c.overlap_m2 !== null && c.overlap_m2 !== undefined) {
      parts.push(`${formatArea(c.overlap_m2)} (${formatShare(c.overlap_share)})`);
    }
    if (c.near) parts.push(`${c.near} ${t("near_features")}`);
    row.textContent = parts.join(" · ");
    box.appendChild(row);
  });
  return box;
}

/** Hits sorted: inside hits before edge-only hits, zones with rules first. */
export function sortedHits(result) {
  return [...(result.hits || [])].sort((a, b) => {
    if (a.inside !== b.inside) return a.inside ? -1 : 1;
    const ar = (a.rules || []).length ? 0 : 1;
    const br = (b.rules || []).length ? 0 : 1;
    return ar - br;
  });
}

/** Render a lookup result (the shared JSON) into container; actions: {onReport, footer}. */
export function renderResult(container, result, actions = {}) {
  container.innerHTML = "";
  container.dataset.reportId = result.report_id;
  if (result.synthetic) container.appendChild(syntheticNode());
  container.appendChild(queryFactsNode(result));
  container.appendChild(verdictsNode(result));
  const activities = result.query?.activities || [];
  const isParcel = result.query?.type === "parcel";
  const hitsBox = el("section", "gz-hits");
  hitsBox.appendChild(el("h3", null, `${t("hits")} (${(result.hits || []).length})`));
  sortedHits(result).forEach((h) => {
    const card = hitNode(h, activities, isParcel);
    card.appendChild(challengeButton(result.report_id, h)); // 报告错误 (challenge.js)
    hitsBox.appendChild(card);
  });
  container.appendChild(hitsBox);
  const context = contextNode(result);
  if (context) container.appendChild(context);
  if ((result.warnings || []).length) {
    const w = el("section", "gz-warnings");
    w.appendChild(el("h3", null, t("warnings")));
    result.warnings.forEach((msg) => w.appendChild(el("div", "gz-warning", msg)));
    container.appendChild(w);
  }
  const foot = el("section", "gz-result-foot");
  foot.appendChild(el("div", "gz-small", `${t("report_id")}: ${result.report_id}`));
  const permalink = `${window.location.origin}/?report=${result.report_id}`;
  const link = el("a", "gz-permalink", t("permalink"));
  link.href = permalink;
  link.id = "permalink";
  foot.appendChild(link);
  const btn = el("button", "gz-button", t("open_report"));
  btn.id = "open-report";
  btn.type = "button";
  btn.addEventListener("click", () => actions.onReport?.(result));
  foot.appendChild(btn);
  foot.appendChild(pdfLink(result.report_id)); // the server's signed PDF (challenge.js)
  actions.footer?.(foot, result); // more buttons (export...), from their own modules
  container.appendChild(foot);
}

/** Show an error in the panel. */
export function renderError(container, err) {
  container.innerHTML = "";
  const box = el("div", "gz-error");
  box.appendChild(el("strong", null, `${t("error")}: `));
  box.appendChild(el("span", null, errorMessage(err)));
  const dates = err.detail?.valid_from ? err.detail : null;
  if (dates) {
    const span = `${dates.valid_from} – ${dates.valid_to || ""}`;
    box.appendChild(el("div", "gz-small gz-dates", `${t("dates_available")}: ${span}`));
  }
  if (err.code) box.appendChild(el("div", "gz-small", err.code));
  container.appendChild(box);
}

/** Show a loading note. */
export function renderLoading(container) {
  container.innerHTML = "";
  container.appendChild(el("div", "gz-muted", t("loading")));
}
