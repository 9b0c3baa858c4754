// Planner scenarios: suggested sites, a site placed on the map, facilities switched off. The
// scenario lives in the URL (?add=lat,lon|lat,lon&remove=id,id), is sent to /api/whatif, and
// can be downloaded as GeoJSON; nothing is stored on the server. Text goes in as text.
(function () {
  "use strict";
  const box = document.getElementById("scenario");
  const planner = window.nkPlanner;
  if (!box || !planner) return;
  const ds = box.dataset;
  const { t, fill, locale } = window.nkI18n;
  const fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const scenario = { add: [], remove: new Set() };
  const markers = L.layerGroup().addTo(planner.map);
  const suggestions = L.layerGroup().addTo(planner.map);
  let facilities = null;

  function make(tag, text) { const el = document.createElement(tag); if (text !== undefined) el.textContent = text; return el; }

  function readUrl() {
    const q = new URLSearchParams(window.location.search);
    (q.get("add") || "").split("|").filter(Boolean).forEach((pair) => {
      const [lat, lon] = pair.split(",").map(Number);
      if (Number.isFinite(lat) && Number.isFinite(lon)) scenario.add.push({ lat: lat, lon: lon });
    });
    (q.get("remove") || "").split(",").filter((id) => /^f[0-9a-f]{12}$/.test(id))
      .forEach((id) => scenario.remove.add(id));
  }

  function writeUrl() {
    const q = new URLSearchParams(window.location.search);
    const add = scenario.add.map((p) => p.lat.toFixed(5) + "," + p.lon.toFixed(5)).join("|");
    if (add) q.set("add", add); else q.delete("add");
    if (scenario.remove.size) q.set("remove", Array.from(scenario.remove).join(",")); else q.delete("remove");
    const search = q.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function drawMarkers() {
    markers.clearLayers();
    scenario.add.forEach((p, i) => {
      L.circleMarker([p.lat, p.lon], { radius: 8, color: "#b30000", weight: 3, fillColor: "#fff",
                                       fillOpacity: 1, className: "scenario-site" })
        .bindTooltip(() => make("span", fill("sc_site", { n: i + 1 })))
        .on("click", () => { scenario.add.splice(i, 1); changed(); })
        .addTo(markers);
    });
    if (facilities) facilities.eachLayer(styleFacility);
  }

  function styleFacility(layer) {
    const off = scenario.remove.has(layer.feature.id || layer.feature.properties.id);
    layer.setStyle({ fillColor: off ? "#bdbdbd" : "#08306b", dashArray: off ? "2 2" : null });
    if (layer._path) layer._path.classList.toggle("switched-off", off);
  }

  function readJson(r) {
    return r.json().then((j) => { if (!r.ok) throw new Error(j.message || "HTTP " + r.status); return j; });
  }

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
                        body: JSON.stringify(body) }).then(readJson);
  }

  function changed() {
    writeUrl();
    drawMarkers();
    const result = document.getElementById("scenario-result");
    if (!scenario.add.length && !scenario.remove.size) {
      result.replaceChildren(make("p", t.sc_empty));
      box.dataset.state = "empty";
      return Promise.resolve();
    }
    box.dataset.state = "loading";
    const body = Object.assign(planner.params(), { add: scenario.add, remove: Array.from(scenario.remove) });
    if (body.threshold_m) body.threshold_m = Number(String(body.threshold_m).replace(",", "."));
    return post(ds.whatifUrl, body).then((answer) => {
      const s = answer.summary;
      const changes = fill(scenario.add.length === 1 ? "sc_changes_one" : "sc_changes_many",
                           { n: scenario.add.length, off: scenario.remove.size });
      const lines = [make("p", changes + fill("sc_effect", { within: fmt.format(s.newly_within_reach),
        beyond: fmt.format(s.newly_beyond), u15: fmt.format(s.u15_newly_within_reach),
        a65: fmt.format(s.a65plus_newly_within_reach) }))];
      lines[0].id = "scenario-summary";
      const list = make("ul");
      answer.gemeinden.concat(answer.quartiere).filter((u) => u.newly_within_reach || u.newly_beyond)
        .slice(0, 12).forEach((u) => {
          list.appendChild(make("li", fill("sc_unit_change", { name: u.name,
            before: pct.format(u.beyond_share_before || 0), after: pct.format(u.beyond_share_after || 0) })));
        });
      lines.push(list);
      result.replaceChildren(...lines);
      box.dataset.state = "ready";
    }).catch((err) => { result.replaceChildren(make("p", fill("pl_error", { message: err.message }))); box.dataset.state = "error"; });
  }

  function take(site) {
    scenario.add.push({ lat: site.lat, lon: site.lon });
    return changed();
  }

  // A suggestion as a list item (with a button) and as a numbered marker on the map; both take it.
  function showSuggestion(site, list) {
    const words = fill("sc_suggestion", { quartier: site.quartier, gemeinde: site.gemeinde,
                                          n: fmt.format(site.newly_within_reach) }) +
                  (site.tier === "osm_ungeprueft" ? t.sc_possible : "");
    const li = make("li");
    li.appendChild(make("span", words));
    const button = make("button", t.sc_take);
    button.type = "button";
    button.className = "take-suggestion";
    button.addEventListener("click", () => take(site));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button);
    list.appendChild(li);
    const icon = L.divIcon({ className: "suggestion-marker", html: "", iconSize: [28, 28] });
    const marker = L.marker([site.lat, site.lon], { icon: icon, keyboard: true,
                                                     title: fill("sc_marker", { rank: site.rank, quartier: site.quartier,
                                                                                n: fmt.format(site.newly_within_reach) }) });
    marker.on("add", () => { marker.getElement().textContent = String(site.rank); });
    marker.on("click", () => { suggestions.removeLayer(marker); take(site); });
    suggestions.addLayer(marker);
  }

  function suggest() {
    const k = document.getElementById("scenario-k").value || "3";
    const q = new URLSearchParams(planner.params());
    q.set("k", k);
    if (planner.selected()) q.set("ags", planner.selected());
    else if (planner.kreis) q.set("kreis", planner.kreis);
    const list = document.getElementById("scenario-suggestions");
    box.dataset.state = "loading";
    return fetch(ds.suggestUrl + "?" + q.toString()).then(readJson).then((answer) => {
      list.replaceChildren();
      suggestions.clearLayers();
      const sites = answer.sites || [];
      sites.forEach((site) => showSuggestion(site, list));
      if (!sites.length) list.appendChild(make("li", t.sc_no_suggestion));
      box.dataset.state = "ready";
    }).catch((err) => {
      list.replaceChildren(make("li", fill("pl_error", { message: err.message })));
      box.dataset.state = "error";
    });
  }

  function download() {
    const features = scenario.add.map((p) => ({ type: "Feature", properties: { change: "new_site", label: t.sc_new_site },
                                               geometry: { type: "Point", coordinates: [p.lon, p.lat] } }));
    const doc = { type: "FeatureCollection", features: features,
                  parameters: Object.assign(planner.params(), { remove: Array.from(scenario.remove) }) };
    const link = document.getElementById("scenario-download");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(doc)], { type: "application/geo+json" }));
  }

  document.getElementById("scenario-suggest").addEventListener("click", () => { suggest(); });
  document.getElementById("scenario-place").addEventListener("click", (e) => {
    planner.picking = !planner.picking;
    e.currentTarget.setAttribute("aria-pressed", String(planner.picking));
    document.getElementById("planner-map").classList.toggle("picking", planner.picking);
  });
  planner.map.on("click", (e) => {
    if (!planner.picking) return;
    planner.picking = false;
    document.getElementById("scenario-place").setAttribute("aria-pressed", "false");
    document.getElementById("planner-map").classList.remove("picking");
    scenario.add.push({ lat: e.latlng.lat, lon: e.latlng.lng });
    changed();
  });
  document.getElementById("scenario-reset").addEventListener("click", () => {
    scenario.add = []; scenario.remove.clear(); suggestions.clearLayers(); changed();
  });
  document.getElementById("scenario-download").addEventListener("click", download);
  document.addEventListener("nk:facilities", (e) => {
    facilities = e.detail;
    facilities.eachLayer((layer) => {
      layer.on("click", () => {
        const id = layer.feature.id || layer.feature.properties.id;
        if (scenario.remove.has(id)) scenario.remove.delete(id); else scenario.remove.add(id);
        changed();
      });
      styleFacility(layer);
    });
  });
  readUrl();
  drawMarkers();
  const start = () => { if (document.getElementById("planner").dataset.state === "ready") changed(); else setTimeout(start, 200); };
  start();
})();
