// Planner view: statewide choropleth of residents beyond reach, Quartiere of a clicked
// Gemeinde, a sortable table, a distance chart and downloads. All text from data goes into
// the page with textContent.
(function () {
  "use strict";
  const root = document.getElementById("planner");
  if (!root) return;
  const ds = root.dataset;
  const BINS = [0.1, 0.25, 0.5, 0.75];
  const COLOURS = ["#1a9850", "#a6d96a", "#fee08b", "#fc8d59", "#d73027"];
  // Unchecked OSM data: a gap there is only a possible gap, so it gets its own calm scale
  // (light to dark purple) instead of the red of "unterversorgt".
  const POSSIBLE = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  const { t, fill, locale, lang } = window.nkI18n;
  const TIER_TEXT = { geprueft: t.pl_tier_geprueft, osm_ungeprueft: t.pl_tier_osm_ungeprueft, keine_daten: t.pl_tier_keine_daten };
  const NO_DATA = "url(#nk-hatch)";
  // How each Quartier was drawn (geo/quartiere.py KINDS); "genähert" is said wherever it shows
  const KIND_TEXT = { stadtteil: t.pl_kind_stadtteil, osm_grenzen: t.pl_kind_osm_grenzen,
                      genaehert: t.pl_kind_genaehert, gemeinde: t.pl_kind_gemeinde };
  const QUARTIER_NOTE = t.pl_quartier_note;
  const fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });

  // On a phone the legend starts folded, so that it never hides the map's data
  if (window.matchMedia("(max-width: 760px)").matches) document.getElementById("legend-box").open = false;

  const map = L.map("planner-map", { minZoom: 6, maxZoom: 18, zoomSnap: 0.5 })
    .fitBounds([[51.29, 6.65], [53.9, 11.6]]);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ds.attribution);
  if (ds.tileUrl) {
    L.tileLayer(ds.tileUrl, { attribution: ds.tileAttribution, maxZoom: 18 }).addTo(map);
  }

  const state = { units: {}, gemeinden: null, quartiere: null, facilities: null,
                  selected: null, rows: [], sortKey: "beyond", params: null };
  // what static/js/scenario.js needs: the map, the selection and whether it is placing a site
  const planner = { map: map, picking: false,
                    params: () => Object.assign({}, state.params), selected: () => state.selected };
  window.nkPlanner = planner;

  function colour(share, tier) {
    let i = 0;
    while (i < BINS.length && share >= BINS[i]) i++;
    return (tier === "osm_ungeprueft" ? POSSIBLE : COLOURS)[i];
  }

  function addHatchPattern() {
    const svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || svg.querySelector("#nk-hatch")) return;
    const ns = "http://www.w3.org/2000/svg";
    const defs = document.createElementNS(ns, "defs");
    const pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "nk-hatch");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "6");
    pattern.setAttribute("height", "6");
    pattern.setAttribute("patternTransform", "rotate(45)");
    const bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", "6"); bg.setAttribute("height", "6"); bg.setAttribute("fill", "#eeeeee");
    const line = document.createElementNS(ns, "rect");
    line.setAttribute("width", "2"); line.setAttribute("height", "6"); line.setAttribute("fill", "#b5b5b5");
    pattern.appendChild(bg); pattern.appendChild(line); defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  function styleFor(unit) {
    if (!unit || unit.status === "keine_daten") {
      return { fillColor: "#dddddd", fillOpacity: 1, color: "#999", weight: 0.5, className: "no-data" };
    }
    const unchecked = unit.tier === "osm_ungeprueft";
    return { fillColor: colour(unit.beyond_share || 0, unit.tier), fillOpacity: 0.8,
             color: unchecked ? "#6a51a3" : "#555", weight: 0.6, dashArray: unchecked ? "3 2" : null,
             className: "has-data" };
  }

  function applyHatch(layer, unit) {
    // Leaflet applies className only when a path is created: keep the classes in step here.
    if (!layer._path) return;
    const noData = !unit || unit.status === "keine_daten";
    layer._path.classList.toggle("no-data", noData);
    layer._path.classList.toggle("has-data", !noData);
    layer._path.dataset.tier = (unit && unit.tier) || "keine_daten";
    if (noData) layer._path.setAttribute("fill", NO_DATA);
  }

  // The figure a Gemeinde or Kreis shape says in its tooltip and to screen readers
  function shapeStatus(u) {
    if (!u || u.status === "keine_daten") return t.pl_tt_no_data;
    return fill("pl_tt_share", { share: pct.format(u.beyond_share || 0) }) +
      (u.tier === "osm_ungeprueft" ? t.pl_tt_possible : "");
  }

  function quartierStatus(p) {
    if (p.status === "keine_daten") return t.pl_tt_no_data;
    return fill("pl_tt_beyond", { beyond: fmt.format(p.beyond), residents: fmt.format(p.residents) }) +
      (p.tier === "osm_ungeprueft" ? t.pl_tt_possible : "");
  }

  // Map shapes reachable by keyboard: Tab focuses a shape (its tooltip opens), Enter or Space
  // does what a click does. Leaflet draws SVG paths without either.
  function keyboardReachable(layer, label, activate) {
    const path = layer._path;
    if (!path) return;
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", label);
    if (path.dataset.keyboard) return;
    path.dataset.keyboard = "1";
    path.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); }
    });
    path.addEventListener("focus", () => layer.openTooltip(layer.getCenter ? layer.getCenter() : undefined));
    path.addEventListener("blur", () => layer.closeTooltip());
  }

  function query(extra) {
    const p = new URLSearchParams(state.params);
    Object.entries(extra || {}).forEach(([k, v]) => p.set(k, v));
    return "?" + p.toString();
  }

  function text(el, value) { el.textContent = value; return el; }
  function make(tag, value) { const el = document.createElement(tag); if (value !== undefined) el.textContent = value; return el; }

  function renderLegend(threshold) {
    const legend = document.getElementById("legend");
    legend.replaceChildren();
    legend.appendChild(make("strong", fill("pl_legend_title", { m: fmt.format(threshold) })));
    const list = make("ul");
    list.className = "legend-scale";
    const labels = t.pl_legend_bins.split("|");
    const head = make("li"); head.className = "legend-head";
    head.appendChild(make("span", "")); head.appendChild(make("span", t.pl_legend_checked));
    head.appendChild(make("span", t.pl_legend_possible));
    list.appendChild(head);
    labels.forEach((label, i) => {
      const li = make("li");
      [COLOURS[i], POSSIBLE[i]].forEach((c) => {
        const sw = make("span"); sw.className = "swatch"; sw.style.background = c; li.appendChild(sw);
      });
      li.appendChild(document.createTextNode(label)); list.appendChild(li);
    });
    const li = make("li"); const sw = make("span"); sw.className = "swatch hatch";
    li.appendChild(sw); li.appendChild(document.createTextNode(t.pl_legend_no_data)); list.appendChild(li);
    [["dot facility", t.pl_legend_facility], ["dot off", t.pl_legend_off],
     ["dot site", t.pl_legend_site], ["dot suggestion", t.pl_legend_suggestion]].forEach(([cls, label]) => {
      const item = make("li"); const sym = make("span"); sym.className = "symbol " + cls;
      item.appendChild(sym); item.appendChild(document.createTextNode(label)); list.appendChild(item);
    });
    legend.appendChild(list);
    legend.appendChild(make("small", t.pl_legend_footnote));
  }

  function renderSummary(body) {
    const box = document.getElementById("summary");
    box.replaceChildren();
    const s = body.summary;
    const share = s.residents_with_data > 0 ? s.beyond / s.residents_with_data : 0;
    box.appendChild(make("p", fill("pl_summary", { beyond: fmt.format(s.beyond),
      residents: fmt.format(s.residents_with_data), share: pct.format(share),
      m: fmt.format(body.parameters.threshold_m) })));
    box.dataset.tier = s.tier;
    if (s.unverified_residents > 0) {
      box.appendChild(make("p", fill("pl_summary_unverified",
        { tier: TIER_TEXT[s.tier], n: fmt.format(s.unverified_residents) })));
    }
    box.appendChild(make("p", fill(state.level === "kreis" ? "pl_summary_units_kreis" : "pl_summary_units_gemeinde",
      { n: fmt.format(s.units_with_data), total: fmt.format(s.units) })));
  }

  function renderChart(histogram) {
    const holder = document.getElementById("chart");
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    const w = 380, h = 150, pad = 28, bw = (w - pad) / histogram.length;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    const max = Math.max(1, ...histogram.map((b) => b.residents));
    const caption = document.createElementNS(ns, "text");
    caption.setAttribute("x", String(w / 2)); caption.setAttribute("y", String(h - 2));
    caption.setAttribute("text-anchor", "middle");
    caption.textContent = t.pl_chart_caption;
    svg.appendChild(caption);
    histogram.forEach((b, i) => {
      const bh = (h - 2 * pad) * (b.residents / max);
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", String(pad + i * bw + 3)); rect.setAttribute("width", String(bw - 6));
      rect.setAttribute("y", String(h - pad - bh)); rect.setAttribute("height", String(bh));
      rect.setAttribute("fill", b.to_m !== null && b.to_m <= state.threshold ? "#1a9850" : "#d73027");
      const title = document.createElementNS(ns, "title");
      title.textContent = fill("pl_chart_bar", { n: fmt.format(b.residents) });
      rect.appendChild(title);
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", String(pad + i * bw + bw / 2)); label.setAttribute("y", String(h - pad + 13));
      label.setAttribute("text-anchor", "middle");
      label.textContent = b.to_m === null ? "> " + b.from_m / 1000 + " km" : "≤ " + b.to_m / 1000 + " km";
      const value = document.createElementNS(ns, "text");
      value.setAttribute("x", String(pad + i * bw + bw / 2)); value.setAttribute("y", String(h - pad - bh - 3));
      value.setAttribute("text-anchor", "middle");
      value.textContent = fmt.format(b.residents);
      svg.appendChild(rect); svg.appendChild(label); svg.appendChild(value);
    });
    holder.replaceChildren(svg);
  }

  function renderTable(features, title, note) {
    text(document.getElementById("table-title"), title);
    text(document.getElementById("table-note"), note || "");
    state.rows = features;
    drawRows();
  }

  function drawRows() {
    const key = state.sortKey;
    const rows = state.rows.slice().sort((a, b) => (b.properties[key] || 0) - (a.properties[key] || 0));
    const body = document.querySelector("#quartiere-table tbody");
    body.replaceChildren();
    rows.forEach((f) => {
      const p = f.properties;
      const tr = make("tr");
      tr.tabIndex = 0;
      tr.dataset.quartier = p.quartier_id;
      const label = p.gemeinde ? p.name + " (" + p.gemeinde + ")" : p.name;
      const cell = make("td", label + (p.uncertain_residents > 0 ? " *" : ""));
      if (p.kind === "genaehert") {
        const approx = make("span", t.pl_badge_genaehert);
        approx.className = "kind-badge";
        approx.title = KIND_TEXT.genaehert;
        cell.appendChild(document.createTextNode(" ")); cell.appendChild(approx);
      }
      tr.dataset.kind = p.kind || "";
      if (p.tier && p.tier !== "geprueft") {
        const badge = make("span", p.tier === "osm_ungeprueft" ? t.pl_badge_ungeprueft : t.pl_tier_keine_daten);
        badge.className = "tier-badge";
        cell.appendChild(document.createTextNode(" ")); cell.appendChild(badge);
      }
      tr.dataset.tier = p.tier || "";
      tr.appendChild(cell);
      ["beyond", "a65plus_beyond", "u15_beyond"].forEach((k) => tr.appendChild(make("td", p[k] === null ? "–" : fmt.format(p[k]))));
      tr.appendChild(make("td", p.beyond_share === null ? "–" : pct.format(p.beyond_share)));
      const open = () => {
        showQuartier(f);
        focusRow(p.quartier_id);
        if (p.ags && p.ags !== state.selected) selectGemeinde(p.ags, false).catch(showError);
      };
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
      body.appendChild(tr);
    });
    document.querySelectorAll("#quartiere-table th button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.sort === key));
    });
  }

  function focusRow(quartierId) {
    document.querySelectorAll("#quartiere-table tbody tr").forEach((tr) => {
      const hit = tr.dataset.quartier === quartierId;
      tr.setAttribute("aria-selected", String(hit));
      if (hit) { tr.focus(); tr.scrollIntoView({ block: "nearest" }); }
    });
  }

  function showQuartier(feature) {
    const layer = L.geoJSON(feature);
    map.fitBounds(layer.getBounds(), { maxZoom: 15 });
    if (state.highlight) map.removeLayer(state.highlight);
    state.highlight = L.geoJSON(feature, { style: { color: "#003d80", weight: 3, fill: false },
                                           interactive: false }).addTo(map);
  }

  function updateDownloads() {
    document.getElementById("dl-gemeinden-csv").href = ds.coverageUrl + query({ format: "csv", dialect: "excel-de" });
    document.getElementById("dl-gemeinden-geojson").href = ds.coverageUrl + query({ format: "geojson" });
    const q = state.selected
      ? ds.quartiereUrl.replace("AGS", state.selected) : ds.topUrl;
    document.getElementById("dl-quartiere-csv").href = q + query({ format: "csv", dialect: "excel-de" });
    document.getElementById("dl-quartiere-geojson").href = q + query({ format: "geojson" });
  }

  function getJSON(url) {
    return fetch(url).then((r) => r.json().then((body) => {
      if (!r.ok) throw new Error(body.message || ("HTTP " + r.status));
      return body;
    }));
  }

  function showError(err) {
    const box = document.getElementById("summary");
    box.replaceChildren(make("p", fill("pl_error", { message: err.message })));
    box.classList.add("error");
  }

  // Level "kreis": every Gemeinde shows the figures of its Kreis (the first 5 digits of its key)
  function unitOf(ags) {
    return state.units[state.level === "kreis" ? ags.slice(0, 5) : ags];
  }

  function readParams() {
    const what = document.getElementById("what").value.split(":");
    const params = {};
    params[what[0]] = what[1];
    const t = document.getElementById("threshold").value.trim();
    if (t) params.threshold_m = t;
    return params;
  }

  function refresh() {
    state.params = readParams();
    root.dataset.state = "loading";
    const summary = document.getElementById("summary");
    summary.classList.remove("error");
    summary.setAttribute("aria-busy", "true");
    summary.replaceChildren(make("p", t.pl_loading));
    state.level = document.getElementById("level").value;
    return getJSON(ds.coverageUrl + query({ level: state.level })).then((body) => {
      state.units = {};
      body.units.forEach((u) => { state.units[u.key] = u; });
      state.threshold = body.parameters.threshold_m;
      renderSummary(body);
      renderChart(body.histogram);
      renderLegend(body.parameters.threshold_m);
      state.gemeinden.eachLayer((layer) => {
        const unit = unitOf(layer.feature.properties.ags);
        layer.setStyle(styleFor(unit));
        applyHatch(layer, unit);
        keyboardReachable(layer, fill("pl_shape_label", { name: layer.feature.properties.name, status: shapeStatus(unit) }),
                          () => selectGemeinde(layer.feature.properties.ags, true).catch(showError));
      });
      updateDownloads();
      return state.selected ? selectGemeinde(state.selected, false) : showTop();
    }).then(() => {
      root.dataset.state = "ready";
      document.getElementById("summary").removeAttribute("aria-busy");
    }).catch(showError);
  }

  function showTop() {
    return getJSON(ds.topUrl + query({ limit: "25" })).then((fc) => {
      renderTable(fc.features, t.pl_top_title, t.pl_top_note + " " + QUARTIER_NOTE);
    });
  }

  function selectGemeinde(ags, zoom) {
    state.selected = ags;
    root.dataset.selected = ags;
    const unit = state.units[ags] || {};
    const gemeindeLayer = state.byAgs[ags];
    if (zoom && gemeindeLayer) map.fitBounds(gemeindeLayer.getBounds());
    updateDownloads();
    const url = ds.quartiereUrl.replace("AGS", ags) + query();
    const facUrl = ds.facilitiesUrl + query({ ags: ags });
    return Promise.all([getJSON(url), getJSON(facUrl)]).then(([fc, fac]) => {
      if (state.quartiere) map.removeLayer(state.quartiere);
      if (state.facilities) map.removeLayer(state.facilities);
      state.quartiere = L.geoJSON(fc, {
        style: (f) => Object.assign(styleFor(f.properties), { weight: 0.8, className: "quartier" }),
        onEachFeature: (f, layer) => layer.bindTooltip(() => {
          const p = f.properties;
          const box = make("div");
          box.appendChild(make("strong", p.name));
          box.appendChild(make("div", KIND_TEXT[p.kind] || ""));
          box.appendChild(make("div", quartierStatus(p)));
          if (p.access_per_10k !== null && p.access_per_10k !== undefined) {
            box.appendChild(make("div", fill("pl_tt_2sfca", {
              value: p.access_per_10k.toLocaleString(locale, { maximumFractionDigits: 1 }),
              m: fmt.format(state.threshold) })));
          }
          return box;
        }),
      }).addTo(map);
      state.quartiere.eachLayer((layer) => {
        const p = layer.feature.properties;
        applyHatch(layer, p);
        layer.on("click", () => focusRow(p.quartier_id));
        keyboardReachable(layer, fill("pl_shape_label", { name: p.name, status: quartierStatus(p) }),
          () => { showQuartier(layer.feature); focusRow(p.quartier_id); });
      });
      state.facilities = L.geoJSON(fac, {
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, color: "#fff", weight: 2,
          fillColor: "#08306b", fillOpacity: 1, className: "planner-facility" }),
        onEachFeature: (f, layer) => layer.bindTooltip(() => make("span", f.properties.name + " (" + (lang === "en" ? f.properties.type_label_en : f.properties.type_label_de) + ")")),
      }).addTo(map);
      document.dispatchEvent(new CustomEvent("nk:facilities", { detail: state.facilities }));
      const name = (unit.name || ags);
      const cells = QUARTIER_NOTE;
      const note = unit.status === "keine_daten" ? t.pl_note_no_data
        : (unit.tier === "osm_ungeprueft" ? t.pl_note_unchecked : t.pl_note_checked) + " " + cells;
      renderTable(fc.features, fill("pl_quartiere_in", { name: name }), note);
    });
  }

  document.querySelectorAll("#quartiere-table th button").forEach((b) => {
    b.addEventListener("click", () => { state.sortKey = b.dataset.sort; drawRows(); });
  });
  // Gemeinde or Kreis by name (keyboard friendly): a Gemeinde is selected, a Kreis is zoomed
  // to and becomes the region of the scenario's suggestions.
  const areaInput = document.getElementById("area-search");
  const areas = new Map();
  document.querySelectorAll("#dl-areas option").forEach((o) => areas.set(o.value, o.dataset));
  function goToArea() {
    const found = areas.get(areaInput.value.trim());
    const note = document.getElementById("area-note");
    if (!found) { note.textContent = areaInput.value.trim() ? t.pl_area_pick : ""; return; }
    note.textContent = "";
    if (found.param === "ags") {
      planner.kreis = null;
      selectGemeinde(found.value, true).catch(showError);
    } else {
      planner.kreis = found.value;
      state.selected = null;
      root.dataset.selected = "";
      root.dataset.kreis = found.value;
      const bounds = L.latLngBounds([]);
      Object.entries(state.byAgs).forEach(([ags, layer]) => { if (ags.startsWith(found.value)) bounds.extend(layer.getBounds()); });
      if (bounds.isValid()) map.fitBounds(bounds);
      note.textContent = t.pl_area_kreis;
    }
  }
  areaInput.addEventListener("change", goToArea);
  areaInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); goToArea(); } });
  document.getElementById("selection").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  document.getElementById("what").addEventListener("change", refresh);
  document.getElementById("level").addEventListener("change", refresh);
  document.getElementById("all-columns").addEventListener("click", (e) => {
    const on = e.currentTarget.getAttribute("aria-pressed") !== "true";
    e.currentTarget.setAttribute("aria-pressed", String(on));
    document.getElementById("quartiere-table").classList.toggle("all-columns", on);
  });

  getJSON(ds.gemeindenUrl).then((fc) => {
    state.byAgs = {};
    state.gemeinden = L.geoJSON(fc, {
      style: () => styleFor(null),
      onEachFeature: (f, layer) => {
        state.byAgs[f.properties.ags] = layer;
        layer.bindTooltip(() => {
          const u = unitOf(f.properties.ags);
          const box = make("div");
          box.appendChild(make("strong", f.properties.name));
          box.appendChild(make("div", shapeStatus(u)));
          return box;
        }, { sticky: true });
        layer.on("click", () => {
          if (planner.picking) return;  // the scenario is placing a site
          selectGemeinde(f.properties.ags, true).catch(showError);
        });
      },
    }).addTo(map);
    addHatchPattern();
    state.gemeinden.eachLayer((layer) => {
      if (layer._path) layer._path.dataset.ags = layer.feature.properties.ags;
    });
    return refresh();
  }).catch(showError);
})();
