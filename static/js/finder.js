// Resident finder: choose a place (search, map click, or own location), list the nearest
// offers with a contact card each; the text list carries everything the map shows. The state
// (place, filters, language) lives in the URL: reload restores it, Back steps back, a link can
// be shared. Data text only ever goes into the page through textContent.
(function () {
  "use strict";
  const root = document.getElementById("main");
  const ds = root.dataset;
  const { t, fill, lang, locale } = window.nkI18n;
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const COLOURS = { treffpunkt: "#1b7837", beratung: "#6a3d9a" };
  const FILTERS = [  // URL key, element id, kind
    ["category", "f-category", "value"], ["type", "f-type", "value"], ["offer_lang", "f-lang", "value"],
    ["wheelchair", "f-wheelchair", "check"], ["open_now", "f-open", "check"],
  ];
  const phone = window.matchMedia("(max-width: 700px)");

  const map = L.map("finder-map", { minZoom: 6, maxZoom: 18, zoomSnap: 0.5 })
    .fitBounds([[51.29, 6.65], [53.9, 11.6]]);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ds.attribution);
  const vector = Boolean(window.nkBasemap && window.nkBasemap.available(ds));
  if (!vector && ds.tileUrl) L.tileLayer(ds.tileUrl, { attribution: ds.tileAttribution, maxZoom: 18 }).addTo(map);
  root.dataset.basemap = vector ? "vector" : (ds.tileUrl ? "raster" : "none");
  let basemapAdded = false;
  // The street map is created when the map is first seen: on a phone the map starts hidden,
  // and MapLibre cannot size its canvas in a hidden container.
  function showBasemap() {
    if (!vector || basemapAdded) return;
    basemapAdded = true;
    window.nkBasemap.add(map, ds, showOutlines);
  }
  const resultLayer = L.layerGroup().addTo(map);
  let here = null;
  let point = null;  // the chosen place: { lat, lon, label, q }
  const markers = {};
  let suggestions = [];

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function status(message, isError) {
    const box = document.getElementById("status");
    box.textContent = message || "";
    box.classList.toggle("error", Boolean(isError));
  }

  function getJSON(url) {
    return fetch(url).then((r) => r.json().then((body) => {
      if (!r.ok) {
        const err = new Error(body.message || ("HTTP " + r.status));
        err.parameter = body.parameter;
        throw err;
      }
      return body;
    }));
  }

  function parseCoords(text) {
    const m = text.trim().match(/^(-?\d{1,2}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)$/);
    if (!m) return null;
    return { lat: parseFloat(m[1].replace(",", ".")), lon: parseFloat(m[2].replace(",", ".")) };
  }

  // ---- filters and the URL -------------------------------------------------------------
  function filterValues() {
    const out = {};
    FILTERS.forEach(([key, id, kind]) => {
      const input = document.getElementById(id);
      const value = kind === "check" ? (input.checked ? "1" : "") : input.value;
      if (value) out[key] = value;
    });
    return out;
  }

  function setFilters(params) {
    FILTERS.forEach(([key, id, kind]) => {
      const input = document.getElementById(id);
      if (kind === "check") input.checked = params.get(key) === "1";
      else if (Array.from(input.options).some((o) => o.value === (params.get(key) || ""))) input.value = params.get(key) || "";
    });
    syncTypes();
  }

  function apiFilters() {
    const f = filterValues();
    const p = new URLSearchParams();
    if (f.category) p.set("category", f.category);
    if (f.type) p.set("type", f.type);
    if (f.offer_lang) p.set("lang", f.offer_lang);
    if (f.wheelchair) p.set("wheelchair", "yes");
    if (f.open_now) p.set("open_now", "true");
    return p;
  }

  // The page's own URL: the place (a search text, or a point), the filters and the language
  function writeUrl(push) {
    const p = new URLSearchParams();
    if (lang !== "de") p.set("lang", lang);
    if (point && point.q) p.set("q", point.q);
    else if (point) { p.set("lat", point.lat.toFixed(point.precision || 5)); p.set("lon", point.lon.toFixed(point.precision || 5)); }
    Object.entries(filterValues()).forEach(([k, v]) => p.set(k, v));
    const url = window.location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (url === window.location.pathname + window.location.search) return;
    if (push) window.history.pushState(null, "", url); else window.history.replaceState(null, "", url);
  }

  function readUrl() {
    const p = new URLSearchParams(window.location.search);
    setFilters(p);
    const q = (p.get("q") || "").slice(0, 100);
    const lat = Number(p.get("lat")), lon = Number(p.get("lon"));
    document.getElementById("where").value = q;
    if (q) return search(q, false);
    if (p.has("lat") && Number.isFinite(lat) && Number.isFinite(lon)) return query(lat, lon, null, { push: false });
    clearResults();
    return Promise.resolve();
  }

  // ---- results ---------------------------------------------------------------------------
  function clearResults() {
    document.getElementById("results").replaceChildren();
    document.getElementById("choices").replaceChildren();
    document.getElementById("choices").hidden = true;
    document.getElementById("notice").hidden = true;
    document.getElementById("results-heading").textContent = t.results;
    resultLayer.clearLayers();
    if (here) { map.removeLayer(here); here = null; }
    Object.keys(markers).forEach((k) => delete markers[k]);
  }

  function showOnMap(id) {
    const marker = markers[id];
    if (!marker) return;
    setView("map");
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
    marker.openPopup();
  }

  function popupFor(r) {
    const box = el("div", null, "facility-popup");
    box.appendChild(el("h3", r.name));
    box.appendChild(window.nkContactCard.card(r, { numberFormat: nf, from: point }));
    return box;
  }

  function render(body, label, extraNote) {
    clearResults();
    const list = document.getElementById("results");
    const notice = document.getElementById("notice");
    const lines = extraNote ? [extraNote] : [];
    if (body.notice && t[body.notice]) {
      const km = body.results.length ? nf.format(body.results[0].distance_m / 1000) : "";
      lines.push(fill(body.notice, { gemeinde: body.query.gemeinde, km: km }));
    }
    if (body.far && body.notice !== "weit_entfernt") {
      lines.push(fill("weit_entfernt", { km: nf.format(body.results[0].distance_m / 1000) }));
    }
    notice.textContent = lines.join(" ");
    notice.hidden = lines.length === 0;
    notice.dataset.notice = body.notice || "";
    const heading = label === t.my_location ? t.results_near_you
      : (body.far ? t.results_far : t.results_for) + " " + (label || body.query.gemeinde);
    document.getElementById("results-heading").textContent = heading + " (" + body.results.length + ")";
    if (!body.results.length) {
      list.appendChild(el("li", document.getElementById("f-open").checked ? t.no_results_open : t.no_results));
    }
    here = L.circleMarker([body.query.lat, body.query.lon], { radius: 9, color: "#b35900", weight: 3,
      fillColor: "#fff", fillOpacity: 1, className: "here-marker" })
      .bindTooltip(el("span", t.you_are_here + (label ? ": " + label : ""))).addTo(map);
    const bounds = L.latLngBounds([[body.query.lat, body.query.lon]]);
    body.results.forEach((r, i) => {
      const li = el("li");
      li.dataset.id = r.id;
      const h3 = el("h3");
      const button = el("button", (i + 1) + ". " + r.name, "result-name");
      button.type = "button";
      button.setAttribute("aria-label", r.name + ": " + t.show_on_map);
      button.addEventListener("click", () => showOnMap(r.id));
      h3.appendChild(button);
      li.appendChild(h3);
      li.appendChild(window.nkContactCard.card(r, { numberFormat: nf, from: point }));
      list.appendChild(li);
      const marker = L.circleMarker([r.lat, r.lon], {
        radius: 8, weight: 2, color: "#fff", fillColor: COLOURS[r.category] || "#333",
        fillOpacity: 1, className: "result-marker facility-" + r.category,
      }).bindPopup(() => popupFor(r), { maxHeight: 320, autoPanPadding: [12, 12] }).bindTooltip(el("span", String(i + 1) + ". " + r.name));
      marker.addTo(resultLayer);
      markers[r.id] = marker;
      bounds.extend([r.lat, r.lon]);
    });
    map.fitBounds(bounds.pad(0.15), { maxZoom: 16 });
    document.getElementById("view-count").textContent = String(body.results.length);
  }

  function query(lat, lon, label, options) {
    const opts = options || {};
    point = { lat: lat, lon: lon, label: label, q: opts.q || null, precision: opts.precision };
    writeUrl(opts.push !== false);
    status(t.searching);
    root.dataset.state = "loading";
    const p = apiFilters();
    p.set("lat", String(lat));
    p.set("lon", String(lon));
    return getJSON(ds.nearestUrl + "?" + p.toString()).then((body) => {
      status("");
      render(body, label, opts.note);
      root.dataset.state = "ready";
      if (opts.focusResults) document.getElementById("results-heading").focus();
    }).catch((err) => {
      clearResults();
      root.dataset.state = "error";
      status(err.parameter === "lat/lon" ? t.outside_ni : t.error + ": " + err.message, true);
    });
  }

  function goTo(place, q, push) {
    const note = place.kind === "plz" ? fill("postcode_note", { plz: place.name, place: place.place || place.detail }) : null;
    const label = place.kind === "strasse" || place.kind === "plz" ? place.name + ", " + place.detail : place.name;
    return query(place.lat, place.lon, label, { q: q, push: push, focusResults: true, note: note });
  }

  // Several places of the same name ("Hauptstraße", "Stöckheim"): ask which one
  function askWhich(results, q, push) {
    clearResults();
    point = { q: q };
    writeUrl(push);
    const box = document.getElementById("choices");
    box.appendChild(el("h2", fill("which_one", { name: results[0].name })));
    const list = el("ul");
    results.forEach((place) => {
      const button = el("button", place.name + " · " + place.detail, "choice");
      button.type = "button";
      button.addEventListener("click", () => goTo(place, q, true));
      const li = el("li");
      li.appendChild(button);
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(el("p", fill("which_hint", { name: results[0].name }), "hint"));
    box.hidden = false;
    status("");
    root.dataset.state = "ready";
    box.querySelector("button").focus();
  }

  // How a suggestion reads in the list: a Gemeinde by its name, anything else with its Gemeinde
  function optionText(place) {
    return place.kind === "gemeinde" || !place.detail ? place.name : place.name + " · " + place.detail;
  }

  // A search text that finds ``place`` again after a reload: its name and its Gemeinde
  function placeQuery(place) {
    if (place.kind === "gemeinde" || place.kind === "plz" || !place.detail) return place.name;
    return place.name + ", " + place.detail.split(" (")[0];
  }

  function search(text, push) {
    const coords = parseCoords(text);
    if (coords) return query(coords.lat, coords.lon, text.trim(), { q: text.trim(), push: push, focusResults: true });
    const chosen = suggestions.find((s) => optionText(s) === text);
    if (chosen) return goTo(chosen, placeQuery(chosen), push);
    status(t.searching);
    root.dataset.state = "loading";  // a search is under way from here, not only once it has a point
    return getJSON(ds.searchUrl + "?q=" + encodeURIComponent(text) + "&limit=10").then((body) => {
      if (!body.results.length) {
        clearResults();
        point = { q: text };
        writeUrl(push);
        status(t.not_found, true);
        root.dataset.state = "ready";
        return null;
      }
      if (body.ambiguous) return askWhich(body.results, text, push);
      return goTo(body.results[0], text, push);
    }).catch((err) => {
      root.dataset.state = "error";
      status(t.error + ": " + err.message, true);
    });
  }

  // ---- phone: list and map are two views of the same result -----------------------------
  function setView(view) {
    if (!phone.matches) return;
    root.dataset.view = view;
    document.querySelectorAll(".view-switch button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === view)));
    if (view === "map") {
      map.invalidateSize();  // the map was hidden: let Leaflet measure it
      showBasemap();
    }
  }
  document.querySelectorAll(".view-switch button").forEach((b) => b.addEventListener("click", () => setView(b.dataset.view)));
  setView("list");
  phone.addEventListener("change", () => {  // turned to landscape or widened: both views show
    if (!phone.matches) {
      map.invalidateSize();
      showBasemap();
    }
  });

  // ---- inputs ----------------------------------------------------------------------------
  function syncTypes() {
    const cat = document.getElementById("f-category").value;
    const select = document.getElementById("f-type");
    Array.from(select.options).forEach((o) => {
      const hidden = Boolean(cat && o.dataset.category && o.dataset.category !== cat);
      o.hidden = hidden;
      o.disabled = hidden || o.dataset.empty === "1";  // a kind nobody offers yet stays visible, greyed
    });
    if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = "";
  }

  let pending = null;
  document.getElementById("where").addEventListener("input", (e) => {
    const text = e.target.value.trim();
    clearTimeout(pending);
    if (text.length < 2 || parseCoords(text)) return;
    pending = setTimeout(() => {
      getJSON(ds.searchUrl + "?q=" + encodeURIComponent(text) + "&limit=8").then((body) => {
        suggestions = body.results;
        const list = document.getElementById("where-suggestions");
        list.replaceChildren();
        body.results.forEach((s) => {
          const o = document.createElement("option");
          o.value = optionText(s);
          o.label = t["kind_" + s.kind] || s.kind;
          list.appendChild(o);
        });
      }).catch(() => {});
    }, 150);
  });

  document.getElementById("where-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = document.getElementById("where").value.trim();
    if (text) search(text, true);
  });

  document.getElementById("locate").addEventListener("click", () => {
    if (!navigator.geolocation) { status(t.geo_denied, true); return; }
    status(t.searching);
    navigator.geolocation.getCurrentPosition(
      // the own position goes into the URL to about 100 m only
      (pos) => query(pos.coords.latitude, pos.coords.longitude, t.my_location, { focusResults: true, precision: 3 }),
      () => status(t.geo_denied, true),
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 },
    );
  });

  map.on("click", (e) => { document.getElementById("where").value = ""; query(e.latlng.lat, e.latlng.lng, null, {}); });

  document.getElementById("f-category").addEventListener("change", syncTypes);
  document.getElementById("filters").addEventListener("change", () => {
    if (point && point.lat !== undefined) query(point.lat, point.lon, point.label, { q: point.q, precision: point.precision });
    else writeUrl(true);
  });
  window.addEventListener("popstate", () => { readUrl(); });

  // ---- orientation and legend ------------------------------------------------------------
  const legend = L.control({ position: "topright" });
  legend.onAdd = () => {
    const box = el("div", null, "finder-legend");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", t.filters);
    [["treffpunkt", t.legend_treffpunkt], ["beratung", t.legend_beratung], ["here", t.legend_here]].forEach(([k, label]) => {
      const item = el("div");
      item.appendChild(el("span", null, "legend-dot legend-" + k));
      item.appendChild(document.createTextNode(label));
      box.appendChild(item);
    });
    return box;
  };
  legend.addTo(map);

  // Without a base map: Gemeinde outlines, and place names when zoomed in
  function showOutlines() {
    getJSON(ds.gemeindenUrl).then((fc) => {
      L.geoJSON(fc, { interactive: false, style: { color: "#7a7a7a", weight: 0.8, fill: false } }).addTo(map);
      root.dataset.outlines = "ready";
    }).catch(() => {});
    const labels = L.layerGroup();
    getJSON(ds.orteUrl).then((fc) => {
      fc.features.forEach((f) => {
        const span = el("span", f.properties.name, "place-label place-" + f.properties.place_class);
        L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
          icon: L.divIcon({ html: span, className: "place-label-icon", iconSize: null }),
          interactive: false, keyboard: false,
        }).addTo(labels);
      });
      const toggle = () => { if (map.getZoom() >= 12) labels.addTo(map); else labels.remove(); };
      map.on("zoomend", toggle);
      toggle();
    }).catch(() => {});
  }
  if (!vector) showOutlines();
  if (!phone.matches) showBasemap();
  syncTypes();
  readUrl();
})();
