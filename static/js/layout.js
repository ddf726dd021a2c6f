// Phone layout (≤ 760 px wide, e.g. 390 px): the side panel folds to its toggle under the map
// and opens by itself when an answer arrives; the layer list, legend and measure tool start
// folded so the map stays visible. The toggle is a real <button> (Enter/Space) with
// aria-expanded / aria-controls.

import { t, onLangChange } from "./i18n.js";

export const NARROW = "(max-width: 760px)";

export function setupLayout({ sidebar, result }) {
  const narrow = window.matchMedia(NARROW);
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.id = "panel-toggle";
  toggle.className = "gz-panel-toggle";
  toggle.setAttribute("aria-controls", sidebar.id);
  sidebar.prepend(toggle);

  const label = () => {
    document.getElementById("map")?.setAttribute("aria-label", t("map_label"));
    const open = !sidebar.classList.contains("gz-folded");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = `${t("panel_toggle")} ${open ? "▾" : "▴"}`;
    toggle.setAttribute("aria-label", t(open ? "panel_hide" : "panel_show"));
  };
  const setOpen = (open) => {
    sidebar.classList.toggle("gz-folded", !open);
    label();
    window.dispatchEvent(new Event("resize")); // Leaflet re-reads the map's size
  };
  toggle.addEventListener("click", () => setOpen(sidebar.classList.contains("gz-folded")));
  onLangChange(label);

  const fold = () => {
    if (!narrow.matches) {
      setOpen(true);
      return;
    }
    setOpen(false);
    ["layer-switcher", "legend", "measure-tool"].forEach((id) =>
      document.getElementById(id)?.classList.add("gz-collapsed"),
    );
  };
  fold();
  narrow.addEventListener("change", fold);

  // an answer arriving on a phone opens the panel that shows it
  new MutationObserver(() => {
    if (narrow.matches && result.dataset.state === "done") {
      setOpen(true);
      result.scrollIntoView({ block: "nearest" });
    }
  }).observe(result, { attributes: true, attributeFilter: ["data-state"] });
  return { setOpen };
}
