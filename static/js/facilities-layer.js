// Facilities on the statewide map: clustered markers per category, a layer switch, and
// popups built with textContent so that names from data can never become markup.
(function () {
  "use strict";
  const holder = document.querySelector("[data-facility-map]");
  if (!holder) return;
  const map = window[holder.dataset.facilityMap];
  const { t, lang } = window.nkI18n;
  const CATEGORY = {
    treffpunkt: { label: t.fac_treffpunkt, colour: "#1b7837" },
    beratung: { label: t.fac_beratung, colour: "#6a3d9a" },
  };
  const WHEELCHAIR = { yes: t.fac_wheelchair_yes, limited: t.fac_wheelchair_limited, no: t.fac_wheelchair_no };

  function line(parent, label, value) {
    if (!value) return;
    const row = document.createElement("div");
    const strong = document.createElement("strong");
    strong.textContent = label + ": ";
    row.appendChild(strong);
    row.appendChild(document.createTextNode(value));
    parent.appendChild(row);
  }

  function popup(p) {
    const box = document.createElement("div");
    box.className = "facility-popup";
    const title = document.createElement("h3");
    title.textContent = p.name;
    box.appendChild(title);
    const kind = document.createElement("div");
    kind.className = "facility-type";
    kind.textContent = lang === "en" ? p.type_label_en + " · " + p.category_label_en
                                     : p.type_label_de + " · " + p.category_label_de;
    box.appendChild(kind);
    const street = [p.street, p.housenumber].filter(Boolean).join(" ");
    const town = [p.postcode, p.city].filter(Boolean).join(" ");
    // unknown fields are left out (line() skips empty values), not listed as "unknown"
    line(box, t.fac_address, [street, town].filter(Boolean).join(", "));
    line(box, t.fac_hours, p.opening_hours);
    line(box, t.fac_wheelchair, WHEELCHAIR[p.wheelchair]);
    if (p.website && /^https?:\/\//i.test(p.website)) {
      const row = document.createElement("div");
      const a = document.createElement("a");
      a.href = p.website;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.textContent = t.fac_website;
      row.appendChild(a);
      box.appendChild(row);
    }
    const src = document.createElement("div");
    src.className = "facility-source";
    src.textContent = t.fac_source + ": " + (p.licence || p.source);
    box.appendChild(src);
    return box;
  }

  function clusterIcon(category) {
    return function (cluster) {
      const div = document.createElement("div");
      const span = document.createElement("span");
      span.textContent = String(cluster.getChildCount());
      div.appendChild(span);
      return L.divIcon({
        html: div.outerHTML,
        className: "facility-cluster facility-cluster-" + category,
        iconSize: L.point(36, 36),
      });
    };
  }

  fetch(holder.dataset.facilitiesUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (resp) {
      if (!resp.ok) throw new Error("facilities: HTTP " + resp.status);
      return resp.json();
    })
    .then(function (fc) {
      const overlays = {};
      const groups = {};
      Object.keys(CATEGORY).forEach(function (cat) {
        groups[cat] = L.markerClusterGroup({
          iconCreateFunction: clusterIcon(cat),
          showCoverageOnHover: false,
          maxClusterRadius: 40,
        });
        overlays[CATEGORY[cat].label] = groups[cat];
      });
      fc.features.forEach(function (f) {
        const p = f.properties;
        const group = groups[p.category];
        if (!group) return;
        const ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        const marker = L.circleMarker(ll, {
          radius: 7, weight: 2, color: "#ffffff", fillColor: CATEGORY[p.category].colour,
          fillOpacity: 0.95, className: "facility-marker facility-" + p.category,
        });
        marker.bindPopup(function () { return popup(p); });
        const label = document.createElement("span");
        label.textContent = p.name;  // text, never HTML: names come from imported lists
        marker.bindTooltip(label);
        group.addLayer(marker);
      });
      Object.keys(groups).forEach(function (cat) { groups[cat].addTo(map); });
      L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
      // the credit is ours (geo/i18n), with the link put in here: no data reaches this HTML
      map.attributionControl.addAttribution(t.fac_credit.replace(
        "{osm}", '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'));
      holder.dataset.facilitiesLoaded = String(fc.features.length);
    })
    .catch(function (err) {
      holder.dataset.facilitiesError = String(err);
    });
})();
