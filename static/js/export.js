// Export of a lookup result: GeoJSON and CSV of its hits, written by the server from the stored
// answer (GET /api/v1/reports/{id}/hits.geojson and /hits.csv), so the files match the API's
// answer under that report id. Links with `download`, so the browser saves them as files.

import { t, addStrings } from "./i18n.js";
import { el } from "./lookup-panel.js";

addStrings({
  zh: { export_geojson: "导出 GeoJSON", export_csv: "导出 CSV", export_title: "导出命中要素" },
  en: { export_geojson: "Export GeoJSON", export_csv: "Export CSV", export_title: "Export the hits" },
});

/** URL of a report's hits in a format ("geojson" or "csv"). */
export function exportUrl(reportId, format) {
  return `/api/v1/reports/${encodeURIComponent(reportId)}/hits.${format}`;
}

/** Add the export links to a result panel's footer (renderResult's `footer` action). */
export function appendExportLinks(foot, result) {
  if (!result.report_id) return;
  const box = el("span", "gz-export");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", t("export_title"));
  [
    ["geojson", "export_geojson"],
    ["csv", "export_csv"],
  ].forEach(([format, key]) => {
    const a = el("a", "gz-button gz-export-link", t(key));
    a.id = `export-${format}`;
    a.href = exportUrl(result.report_id, format);
    a.setAttribute("download", `geozone-${result.report_id}.${format}`);
    box.appendChild(a);
  });
  foot.appendChild(box);
}
