// "报告错误 / report an inaccuracy" for one hit of a stored report, and the signature facts of a
// report (PDF link, verify status). Used by the map's result panel (lookup-panel.js), the
// printable report (report.js) and the server-rendered report page (api/templates/report.html,
// which loads this file as a module and calls enhanceServerReport()).
// POST /api/v1/reports/{id}/challenges takes {layer_id, version, feature_id, comment, correction?}.

import { t } from "./i18n.js";

// the form's few styles, in their own file so no page has to link it
if (!document.querySelector('link[href="/static/css/challenge.css"]')) {
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/static/css/challenge.css";
  document.head.appendChild(css);
}

const MIN_COMMENT = 3;
const MAX_COMMENT = 2000;

function node(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

/** URL of the server-made signed PDF of a report. */
export function pdfUrl(reportId) {
  return `/api/v1/reports/${encodeURIComponent(reportId)}/pdf`;
}

/** A "PDF" download link for a report. */
export function pdfLink(reportId) {
  const a = node("a", "gz-pdf-link", t("report_pdf"));
  a.href = pdfUrl(reportId);
  a.target = "_blank";
  a.rel = "noopener";
  return a;
}

async function postChallenge(reportId, body) {
  const resp = await fetch(`/api/v1/reports/${encodeURIComponent(reportId)}/challenges`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await resp.json().catch(() => null);
  if (!resp.ok) throw new Error(data?.message || `${resp.status} ${resp.statusText}`);
  return data;
}

/** The polygon drawn on the web map (WGS84 GeoJSON geometry), or null (no map, nothing drawn). */
export function drawnPolygon() {
  const geometry = window.geozone?.draw?.parcel?.toGeoJSON?.()?.geometry;
  return geometry && /Polygon$/.test(geometry.type) ? geometry : null;
}

/**
 * A "report an inaccuracy" button for one hit; it opens a small form (comment, and the drawn
 * polygon as a correction when `getCorrection` returns one) that posts the challenge.
 */
export function challengeButton(reportId, hit, getCorrection = drawnPolygon) {
  const box = node("div", "gz-challenge");
  const button = node("button", "gz-button gz-challenge-open", t("challenge_open"));
  button.type = "button";
  box.appendChild(button);
  button.addEventListener("click", () => {
    if (box.querySelector("form")) return;
    const form = node("form", "gz-challenge-form");
    const label = node("label", null, t("challenge_comment"));
    const text = node("textarea", "gz-challenge-comment");
    text.rows = 3;
    text.maxLength = MAX_COMMENT;
    text.required = true;
    text.placeholder = t("challenge_placeholder");
    label.appendChild(text);
    form.appendChild(label);
    const correction = getCorrection ? getCorrection() : null;
    let useDrawn = null;
    if (correction) {
      const line = node("label", "gz-small");
      useDrawn = node("input");
      useDrawn.type = "checkbox";
      line.appendChild(useDrawn);
      line.appendChild(document.createTextNode(` ${t("challenge_use_drawn")}`));
      form.appendChild(line);
    }
    const submit = node("button", "gz-button gz-challenge-submit", t("challenge_submit"));
    submit.type = "submit";
    const cancel = node("button", "gz-button", t("challenge_cancel"));
    cancel.type = "button";
    const status = node("div", "gz-small gz-challenge-status");
    status.setAttribute("role", "status");
    form.append(submit, cancel, status);
    cancel.addEventListener("click", () => form.remove());
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const comment = text.value.trim();
      if (comment.length < MIN_COMMENT) {
        status.textContent = t("challenge_too_short");
        return;
      }
      submit.disabled = true;
      const body = {
        layer_id: hit.layer_id,
        version: String(hit.layer_version),
        feature_id: String(hit.feature_id),
        comment,
      };
      if (useDrawn?.checked) body.correction = correction;
      try {
        const made = await postChallenge(reportId, body);
        box.dataset.challengeId = String(made.id);
        box.replaceChildren(node("div", "gz-small gz-challenge-done", `${t("challenge_sent")} #${made.id}`));
      } catch (err) {
        status.textContent = `${t("challenge_failed")}: ${err.message}`;
        submit.disabled = false;
      }
    });
    box.appendChild(form);
    text.focus();
  });
  return box;
}

/** A line with the report's signature status (GET /api/v1/reports/{id}/verify) and PDF link. */
export function signatureNode(reportId) {
  const box = node("div", "gz-signature");
  const status = node("span", "gz-verify-status", t("verify_checking"));
  status.id = "verify-status";
  box.append(node("span", null, `${t("signature")}: `), status, document.createTextNode(" · "), pdfLink(reportId));
  fetch(`/api/v1/reports/${encodeURIComponent(reportId)}/verify`, { headers: { Accept: "application/json" } })
    .then((r) => r.json())
    .then((v) => {
      status.dataset.valid = String(Boolean(v.valid));
      status.textContent = v.valid ? `✓ ${t("verify_valid")} (${v.key_id})` : `✗ ${t("verify_invalid")}: ${v.reason}`;
    })
    .catch((err) => {
      status.textContent = `${t("verify_invalid")}: ${err.message}`;
    });
  return box;
}

/** The server-rendered report page: a challenge button in every hit row (data-hit attributes). */
export function enhanceServerReport() {
  const reportId = document.body.dataset.reportId;
  document.querySelectorAll("[data-hit-layer]").forEach((cell) => {
    const hit = {
      layer_id: cell.dataset.hitLayer,
      layer_version: cell.dataset.hitVersion,
      feature_id: cell.dataset.hitFeature,
    };
    cell.appendChild(challengeButton(reportId, hit));
  });
}
