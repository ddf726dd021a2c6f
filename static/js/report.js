// The printable report (static/report.html?id=<report_id>): fetched from GET /api/v1/reports/{id},
// with an SVG snapshot of the query and the zones hit, the verdicts, every hit with its rule and
// citation, the layer versions used, the date, the report id and its permalink. A4 via print.css.

import { api } from "./api.js";
import { t, pick, lang, setLang, applyTo, formatArea, formatShare, onLangChange, kindLabel, setLabels } from "./i18n.js";
import { el, citationNode, partsNode, verdictBadge, syntheticNode, sortedHits, contextNode, adminUnitsText } from "./lookup-panel.js";
import { fetchHitFeatures, restrictedLayerIds } from "./highlight.js";
import { snapshotSvg } from "./svg-snapshot.js";
import { challengeButton, signatureNode } from "./challenge.js";

/** URL of the printable report for a report id. */
export function reportUrl(reportId) {
  return `/static/report.html?id=${encodeURIComponent(reportId)}`;
}

/** URL that reopens the same answer on the map. */
export function permalinkUrl(reportId) {
  return `${window.location.origin}/?report=${encodeURIComponent(reportId)}`;
}

function table(headers, rows) {
  const tbl = el("table", "gz-table");
  const thead = el("thead");
  const tr = el("tr");
  headers.forEach((h) => tr.appendChild(el("th", null, h)));
  thead.appendChild(tr);
  tbl.appendChild(thead);
  const tbody = el("tbody");
  rows.forEach((cells) => {
    const row = el("tr");
    cells.forEach((c) => {
      const td = el("td");
      if (c instanceof Node) td.appendChild(c);
      else td.textContent = c ?? "";
      row.appendChild(td);
    });
    tbody.appendChild(row);
  });
  tbl.appendChild(tbody);
  return tbl;
}

function renderReport(root, result, fetched) {
  root.innerHTML = "";
  const q = result.query || {};
  const header = el("header", "gz-report-header");
  header.appendChild(el("h1", null, t("report_title")));
  if (result.synthetic) header.appendChild(syntheticNode());
  const meta = el("div", "gz-report-meta");
  const permalink = permalinkUrl(result.report_id);
  const facts = [
    [t("report_id"), result.report_id],
    [t("as_of"), result.as_of],
    [t("report_query"), `${q.type === "parcel" ? t("parcel") : t("point")} · ${t("crs")}: ${q.crs}`],
    [t("parcel_area"), q.type === "parcel" ? formatArea(q.area_m2) : "–"],
    [t("admin"), [result.admin?.district?.name, result.admin?.township?.name].filter(Boolean).join(" ") || "–"],
    [t("rules_version"), result.rules_version],
    [t("layerset"), `${result.layerset?.id} ${result.layerset?.version} (${(result.layerset?.hash || "").slice(0, 12)})`],
    [t("report_generated"), new Date().toISOString().slice(0, 16).replace("T", " ")],
  ];
  const dl = el("dl");
  facts.forEach(([k, v]) => {
    dl.appendChild(el("dt", null, k));
    dl.appendChild(el("dd", null, v));
  });
  const units = adminUnitsText(result);
  if (units) {
    dl.appendChild(el("dt", null, t("admin_units")));
    dl.appendChild(el("dd", "gz-admin-units", units));
  }
  dl.appendChild(el("dt", null, t("permalink")));
  const dd = el("dd");
  const a = el("a", "gz-permalink", permalink);
  a.href = permalink;
  dd.appendChild(a);
  dl.appendChild(dd);
  meta.appendChild(dl);
  meta.appendChild(signatureNode(result.report_id)); // verify status and PDF (challenge.js)
  header.appendChild(meta);
  root.appendChild(header);

  const mapBox = el("section", "gz-report-map");
  mapBox.appendChild(el("h2", null, t("report_map")));
  mapBox.appendChild(snapshotSvg(result, fetched));
  root.appendChild(mapBox);

  const verdicts = el("section", "gz-report-verdicts");
  verdicts.appendChild(el("h2", null, t("verdict")));
  verdicts.appendChild(
    table(
      [t("activity"), t("verdict"), t("decided_by"), t("condition"), t("citation")],
      (result.verdicts || []).map((v) => [
        pick(v, "activity") || v.activity,
        verdictBadge(v.verdict),
        v.decided_by ? `${pick(v.decided_by, "class")} (${v.decided_by.feature_id})` : "–",
        pick(v, "condition"),
        v.parts && v.parts.length ? citationWithParts(v) : citationNode(v.citation),
      ]),
    ),
  );
  if (result.inside_territory === false) verdicts.appendChild(el("p", "gz-warning", t("outside_territory")));
  root.appendChild(verdicts);

  const hits = el("section", "gz-report-hits");
  hits.appendChild(el("h2", null, `${t("hits")} (${(result.hits || []).length})`));
  const acts = q.activities || [];
  const rows = sortedHits(result).map((h) => {
    const rules = (h.rules || []).filter((r) => !acts.length || acts.includes(r.activity));
    const ruleCell = el("div");
    if (!rules.length) ruleCell.appendChild(el("span", "gz-muted", t("no_rules")));
    rules.forEach((r) => {
      const line = el("div", r.superseded_by ? "gz-superseded" : "");
      line.appendChild(verdictBadge(r.verdict));
      line.appendChild(el("span", null, ` ${pick(r, "condition")} `));
      const c = el("div", "gz-small");
      c.appendChild(citationNode(r.citation));
      if (r.superseded_by) c.appendChild(el("span", "gz-muted", ` · ${t("superseded")}`));
      line.appendChild(c);
      ruleCell.appendChild(line);
    });
    const classCell = el("div");
    classCell.appendChild(el("span", null, pick(h, "class") || h.zone_class));
    if (h.edge && (q.type !== "parcel" || !h.inside)) {
      classCell.appendChild(el("span", "gz-edge-tag", t("edge")));
    }
    return [
      `${lang() === "zh" ? h.layer_title_zh : h.layer_title_en} (${kindLabel(h.layer_kind)})`,
      classCell,
      `${h.name || ""} ${h.feature_id}`,
      h.layer_version,
      q.type === "parcel" ? `${formatArea(h.overlap_m2)} / ${formatShare(h.overlap_share)}` : "–",
      ruleCell,
      challengeButton(result.report_id, h),
    ];
  });
  hits.appendChild(
    table([t("hit_layer"), t("hit_class"), t("hit_name"), t("hit_version"), `${t("hit_overlap")} / ${t("hit_share")}`, t("rule"), t("challenge_open")], rows),
  );
  root.appendChild(hits);
  const context = contextNode(result);
  if (context) root.appendChild(context);

  const layers = el("section", "gz-report-layers");
  layers.appendChild(el("h2", null, t("layers_used")));
  layers.appendChild(
    table(
      [t("layer_id"), t("hit_version"), t("layer_kind"), t("synthetic_short")],
      (result.layers || []).map((l) => [l.id, l.version, kindLabel(l.kind), l.synthetic ? "✓" : ""]),
    ),
  );
  root.appendChild(layers);

  if ((result.warnings || []).length) {
    const w = el("section", "gz-report-warnings");
    w.appendChild(el("h2", null, t("warnings")));
    result.warnings.forEach((m) => w.appendChild(el("p", "gz-warning", m)));
    root.appendChild(w);
  }
  root.dataset.ready = "true";
}

/** Entry point of report.html. */
export async function startReport() {
  applyTo(document);
  const root = document.getElementById("report");
  const id = new URLSearchParams(window.location.search).get("id");
  const langBtn = document.getElementById("lang-toggle");
  langBtn.addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));
  document.getElementById("print").addEventListener("click", () => window.print());
  if (!id) {
    root.textContent = t("report_not_found");
    return;
  }
  document.getElementById("back").href = `/?report=${encodeURIComponent(id)}`;
  try {
    const [result, config] = await Promise.all([api.report(id), api.config()]);
    setLabels(config.labels);
    // restricted layers' zones are left out of the snapshot (their geometry needs a token)
    const fetched = await fetchHitFeatures(result, restrictedLayerIds(config));
    document.title = `${t("report_title")} ${result.report_id}`;
    renderReport(root, result, fetched);
    onLangChange(() => renderReport(root, result, fetched));
  } catch (err) {
    root.innerHTML = "";
    root.appendChild(el("p", "gz-error", `${t("report_not_found")}: ${err.message}`));
    root.dataset.ready = "error";
  }
}

/** A verdict's citation followed by each district part's verdict (a query across districts). */
function citationWithParts(v) {
  const cell = el("div");
  cell.appendChild(citationNode(v.citation));
  cell.appendChild(partsNode(v.parts));
  return cell;
}
