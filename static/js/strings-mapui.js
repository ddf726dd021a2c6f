// zh/en strings of the basemap switcher, measure tool, shareable URL and phone layout
// (added to i18n.js's dictionary; tests/test_web_map_ui.py checks both sides have each key).

import { addStrings } from "./i18n.js";

export const STRINGS = {
  zh: {
    basemap: "底图",
    basemap_none: "无底图",
    basemap_hint: "未选底图时，地图不向外部服务器请求任何瓦片",
    basemap_offset_note: "GCJ-02 偏移已校正",
    measure: "量算",
    measure_distance: "测距离",
    measure_area: "测面积",
    measure_finish: "完成",
    measure_clear: "清除",
    measure_hint_line: "在地图上依次单击各点，按“完成”或回车结束",
    measure_hint_area: "依次单击多边形各拐点，按“完成”或回车结束",
    measure_length: "长度",
    measure_perimeter: "周长",
    measure_area_label: "面积",
    measure_crs_note: "在 EPSG:4548（CGCS2000 3° 高斯-克吕格 117°E）中由服务器计算",
    metre: "米",
    kilometre: "千米",
    map_label: "地图",
    panel_toggle: "面板",
    panel_show: "展开面板",
    panel_hide: "收起面板",
  },
  en: {
    basemap: "Basemap",
    basemap_none: "None",
    basemap_hint: "Without a basemap the map requests no tiles from other servers",
    basemap_offset_note: "GCJ-02 offset corrected",
    measure: "Measure",
    measure_distance: "Distance",
    measure_area: "Area",
    measure_finish: "Finish",
    measure_clear: "Clear",
    measure_hint_line: "Click points on the map; Finish or Enter ends the line",
    measure_hint_area: "Click the polygon's corners; Finish or Enter closes it",
    measure_length: "Length",
    measure_perimeter: "Perimeter",
    measure_area_label: "Area",
    measure_crs_note: "computed by the server in EPSG:4548 (CGCS2000 3° Gauss-Krüger 117°E)",
    metre: "m",
    kilometre: "km",
    map_label: "Map",
    panel_toggle: "Panel",
    panel_show: "Show panel",
    panel_hide: "Hide panel",
  },
};

addStrings(STRINGS);
