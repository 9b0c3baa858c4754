// Resident finder: choose a place (search, map click, or own location), list the nearest
// offers with the text list carrying everything the map shows. Data text only ever goes into
// the page through textContent.
(function () {
  "use strict";
  const root = document.getElementById("main");
  const ds = root.dataset;
  const t = window.nkI18n.t;
  const lang = ds.lang;
  const nf = new Intl.NumberFormat(lang === "en" ? "en-GB" : "de-DE", { maximumFractionDigits: 1 });
  const COLOURS = { treffpunkt: "#1b7837", beratung: "#6a3d9a" };

  const map = L.map("finder-map", { minZoom: 6, maxZoom: 18, zoomSnap: 0.5 })
    .fitBounds([[51.29, 6.65], [53.9, 11.6]]);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ds.attribution);
  if (ds.tileUrl) L.tileLayer(ds.tileUrl, { attribution: ds.tileAttribution, maxZoom: 18 }).addTo(map);
  const resultLayer = L.layerGroup().addTo(map);
  let here = null;
  let point = null;
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

  function filterParams() {
    const p = new URLSearchParams();
    const cat = document.getElementById("f-category").value;
    const type = document.getElementById("f-type").value;
    const langOffer = document.getElementById("f-lang").value;
    if (cat) p.set("category", cat);
    if (type) p.set("type", type);
    if (langOffer) p.set("lang", langOffer);
    if (document.getElementById("f-wheelchair").checked) p.set("wheelchair", "yes");
    if (document.getElementById("f-open").checked) p.set("open_now", "true");
    return p;
  }

  function syncTypes() {
    const cat = document.getElementById("f-category").value;
    const select = document.getElementById("f-type");
    Array.from(select.options).forEach((o) => {
      const hidden = Boolean(cat && o.dataset.category && o.dataset.category !== cat);
      o.hidden = hidden;
      o.disabled = hidden;
    });
    if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = "";
  }

  function wheelchairText(v) {
    return { yes: t.wheelchair_yes, limited: t.wheelchair_limited, no: t.wheelchair_no }[v] || t.unknown;
  }

  function addressText(r) {
    const street = [r.street, r.housenumber].filter(Boolean).join(" ");
    const town = [r.postcode, r.city].filter(Boolean).join(" ");
    return [street, town].filter(Boolean).join(", ") || t.unknown;
  }

  function row(dl, label, value) {
    dl.appendChild(el("dt", label));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    dl.appendChild(dd);
  }

  function popupFor(r) {
    const box = el("div", null, "facility-popup");
    box.appendChild(el("h3", r.name));
    box.appendChild(el("div", (lang === "en" ? r.type_label_en : r.type_label_de), "facility-type"));
    box.appendChild(el("div", nf.format(r.distance_m / 1000) + " km · " + t.walk + " " + r.walk_min + " " + t.minutes));
    box.appendChild(el("div", t.address + ": " + addressText(r)));
    return box;
  }

  function hoursNode(r) {
    const span = el("span", r.opening_hours || t.unknown);
    if (r.open_now === true || r.open_now === false) {
      const badge = el("span", r.open_now ? t.is_open : t.is_closed, "badge " + (r.open_now ? "open" : "closed"));
      const wrap = el("span");
      wrap.appendChild(badge);
      wrap.appendChild(document.createTextNode(" "));
      wrap.appendChild(span);
      return wrap;
    }
    return span;
  }

  // "aus OpenStreetMap, Stand 2021-08, ungeprüft": where a row comes from and how far to trust it
  function provenanceNode(r) {
    const label = lang === "en" ? r.source_label_en : r.source_label_de;
    const text = r.vintage
      ? t.from_source.replace("{source}", label).replace("{vintage}", r.vintage)
      : label;
    const checked = r.tier === "geprueft";
    const wrap = el("span", text + ", ", "provenance");
    wrap.appendChild(el("span", checked ? t.tier_row_geprueft : t.tier_row_ungeprueft,
      "badge " + (checked ? "tier-checked" : "tier-unchecked")));
    wrap.dataset.tier = r.tier;
    return wrap;
  }

  function showOnMap(id) {
    const marker = markers[id];
    if (!marker) return;
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
    marker.openPopup();
  }

  function render(body, label) {
    const list = document.getElementById("results");
    list.replaceChildren();
    resultLayer.clearLayers();
    Object.keys(markers).forEach((k) => delete markers[k]);
    const notice = document.getElementById("notice");
    const lines = [];
    if (body.notice && t[body.notice]) {
      const km = body.results.length ? nf.format(body.results[0].distance_m / 1000) : "";
      lines.push(t[body.notice].replace("{gemeinde}", body.query.gemeinde).replace("{km}", km));
    }
    if (body.far && body.notice !== "weit_entfernt") {
      lines.push(t.weit_entfernt.replace("{km}", nf.format(body.results[0].distance_m / 1000)));
    }
    notice.textContent = lines.join(" ");
    notice.hidden = lines.length === 0;
    notice.dataset.notice = body.notice || "";
    document.getElementById("results-heading").textContent =
      (body.far ? t.results_far : t.results_for) + " " + (label || body.query.gemeinde) +
      " (" + body.results.length + ")";
    if (!body.results.length) {
      list.appendChild(el("li", document.getElementById("f-open").checked ? t.no_results_open : t.no_results));
    }
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
      const dl = el("dl");
      row(dl, t.type, lang === "en" ? r.type_label_en : r.type_label_de);
      row(dl, t.distance, nf.format(r.distance_m / 1000) + " km · " + t.walk + " " + r.walk_min + " " + t.minutes);
      row(dl, t.address, addressText(r));
      row(dl, t.opening_hours, hoursNode(r));
      row(dl, t.wheelchair, wheelchairText(r.wheelchair));
      if (r.website && /^https?:\/\//i.test(r.website)) {
        const a = el("a", r.website);
        a.href = r.website;
        a.rel = "noopener noreferrer";
        row(dl, t.website, a);
      }
      row(dl, t.source, provenanceNode(r));
      li.appendChild(dl);
      list.appendChild(li);
      const marker = L.circleMarker([r.lat, r.lon], {
        radius: 8, weight: 2, color: "#fff", fillColor: COLOURS[r.category] || "#333",
        fillOpacity: 1, className: "result-marker facility-" + r.category,
      }).bindPopup(() => popupFor(r)).bindTooltip(el("span", String(i + 1) + ". " + r.name));
      marker.addTo(resultLayer);
      markers[r.id] = marker;
      bounds.extend([r.lat, r.lon]);
    });
    if (body.results.length) map.fitBounds(bounds.pad(0.15), { maxZoom: 16 });
  }

  function query(lat, lon, label, focusResults) {
    point = { lat: lat, lon: lon, label: label };
    if (here) map.removeLayer(here);
    here = L.circleMarker([lat, lon], { radius: 9, color: "#b35900", weight: 3, fillColor: "#fff",
                                        fillOpacity: 1, className: "here-marker" })
      .bindTooltip(el("span", t.you_are_here + (label ? ": " + label : ""))).addTo(map);
    status(t.searching);
    root.dataset.state = "loading";
    const p = filterParams();
    p.set("lat", String(lat));
    p.set("lon", String(lon));
    return getJSON(ds.nearestUrl + "?" + p.toString()).then((body) => {
      status("");
      render(body, label);
      root.dataset.state = "ready";
      if (focusResults) document.getElementById("results-heading").focus();
    }).catch((err) => {
      root.dataset.state = "error";
      status(err.parameter === "lat/lon" ? t.outside_ni : t.error + ": " + err.message, true);
    });
  }

  function search(text) {
    const coords = parseCoords(text);
    if (coords) return query(coords.lat, coords.lon, text.trim(), true);
    const chosen = suggestions.find((s) => s.name === text);
    if (chosen) return query(chosen.lat, chosen.lon, chosen.name, true);
    status(t.searching);
    root.dataset.state = "loading";  // a search is under way from here, not only once it has a point
    return getJSON(ds.searchUrl + "?q=" + encodeURIComponent(text) + "&limit=1").then((body) => {
      if (!body.results.length) {
        status(t.not_found, true);
        root.dataset.state = "ready";
        return null;
      }
      const place = body.results[0];
      return query(place.lat, place.lon, place.name, true);
    }).catch((err) => {
      root.dataset.state = "error";
      status(t.error + ": " + err.message, true);
    });
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
          o.value = s.name;
          o.label = (t["kind_" + s.kind] || s.kind) + (s.detail ? " · " + s.detail : "");
          list.appendChild(o);
        });
      }).catch(() => {});
    }, 200);
  });

  document.getElementById("where-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = document.getElementById("where").value.trim();
    if (text) search(text);
  });

  document.getElementById("locate").addEventListener("click", () => {
    if (!navigator.geolocation) { status(t.geo_denied, true); return; }
    status(t.searching);
    navigator.geolocation.getCurrentPosition(
      (pos) => query(pos.coords.latitude, pos.coords.longitude, t.my_location, true),
      () => status(t.geo_denied, true),
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 },
    );
  });

  map.on("click", (e) => query(e.latlng.lat, e.latlng.lng, null, false));

  document.getElementById("f-category").addEventListener("change", syncTypes);
  document.getElementById("filters").addEventListener("change", () => {
    if (point) query(point.lat, point.lon, point.label, false);
  });
  syncTypes();

  // Orientation without map tiles: Gemeinde outlines always, place names when zoomed in.
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
    const toggle = () => {
      if (map.getZoom() >= 12) labels.addTo(map); else labels.remove();
    };
    map.on("zoomend", toggle);
    toggle();
  }).catch(() => {});
})();
