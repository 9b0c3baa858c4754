// Planner scenarios: suggested sites, a site placed on the map, facilities switched off. The
// scenario lives in the URL (?add=lat,lon|lat,lon&remove=id,id), is sent to /api/whatif, and
// can be downloaded as GeoJSON; nothing is stored on the server. Text goes in as text.
(function () {
  "use strict";
  const box = document.getElementById("scenario");
  const planner = window.nkPlanner;
  if (!box || !planner) return;
  const ds = box.dataset;
  const fmt = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat("de-DE", { style: "percent", maximumFractionDigits: 1 });
  const scenario = { add: [], remove: new Set() };
  const markers = L.layerGroup().addTo(planner.map);
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
        .bindTooltip(() => make("span", "Neuer Standort " + (i + 1) + " (Klick: entfernen)"))
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

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
                        body: JSON.stringify(body) })
      .then((r) => r.json().then((j) => { if (!r.ok) throw new Error(j.message); return j; }));
  }

  function changed() {
    writeUrl();
    drawMarkers();
    const result = document.getElementById("scenario-result");
    if (!scenario.add.length && !scenario.remove.size) {
      result.replaceChildren(make("p", "Noch keine Änderung: Vorschlag übernehmen, Standort setzen oder eine Einrichtung anklicken."));
      box.dataset.state = "empty";
      return Promise.resolve();
    }
    box.dataset.state = "loading";
    const body = Object.assign(planner.params(), { add: scenario.add, remove: Array.from(scenario.remove) });
    if (body.threshold_m) body.threshold_m = Number(String(body.threshold_m).replace(",", "."));
    return post(ds.whatifUrl, body).then((answer) => {
      const s = answer.summary;
      const changes = scenario.add.length + (scenario.add.length === 1 ? " neuer Standort, " : " neue Standorte, ") +
        scenario.remove.size + " abgeschaltet: ";
      const lines = [make("p", changes + "+" + fmt.format(s.newly_within_reach) + " Einwohner neu in Reichweite, " +
                               fmt.format(s.newly_beyond) + " nicht mehr (unter 15: +" +
                               fmt.format(s.u15_newly_within_reach) + ", 65+: +" +
                               fmt.format(s.a65plus_newly_within_reach) + ")")];
      lines[0].id = "scenario-summary";
      const list = make("ul");
      answer.gemeinden.concat(answer.quartiere).filter((u) => u.newly_within_reach || u.newly_beyond)
        .slice(0, 12).forEach((u) => {
          list.appendChild(make("li", u.name + ": außerhalb " + pct.format(u.beyond_share_before || 0) +
                                      " → " + pct.format(u.beyond_share_after || 0)));
        });
      lines.push(list);
      result.replaceChildren(...lines);
      box.dataset.state = "ready";
    }).catch((err) => { result.replaceChildren(make("p", "Fehler: " + err.message)); box.dataset.state = "error"; });
  }

  function suggest() {
    const k = document.getElementById("scenario-k").value || "3";
    const q = new URLSearchParams(planner.params());
    q.set("k", k);
    if (planner.selected()) q.set("ags", planner.selected());
    else if (planner.kreis) q.set("kreis", planner.kreis);
    const list = document.getElementById("scenario-suggestions");
    box.dataset.state = "loading";
    return fetch(ds.suggestUrl + "?" + q.toString()).then((r) => r.json()).then((answer) => {
      list.replaceChildren();
      (answer.sites || []).forEach((site) => {
        const li = make("li");
        li.appendChild(make("span", site.rank + ". " + site.quartier + " (" + site.gemeinde + "): +" +
                                    fmt.format(site.newly_within_reach) + " Einw. in Reichweite" +
                                    (site.tier === "osm_ungeprueft" ? " (mögliche Lücke)" : "")));
        const take = make("button", "Übernehmen");
        take.type = "button";
        take.className = "take-suggestion";
        take.addEventListener("click", () => { scenario.add.push({ lat: site.lat, lon: site.lon }); changed(); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(take);
        list.appendChild(li);
      });
      if (!(answer.sites || []).length) list.appendChild(make("li", answer.message || "Kein Vorschlag: alle Einwohner mit Daten sind in Reichweite."));
      box.dataset.state = "ready";
    });
  }

  function download() {
    const features = scenario.add.map((p) => ({ type: "Feature", properties: { change: "neuer Standort" },
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
    scenario.add = []; scenario.remove.clear(); changed();
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
