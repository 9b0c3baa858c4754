// The contact card of one facility from /api/nearest: what is known, in words of the UI
// language, with links a resident can act on (call, write, website, map, route). Unknown
// fields are left out and named once in a single line. Text from data goes in as text only;
// links are built only from checked values and open nothing until clicked.
(function () {
  "use strict";
  const { t, fill, lang } = window.nkI18n;
  const DAYS = t.days_short.split("|");
  const LANGUAGE_NAMES = lang === "en"
    ? new Intl.DisplayNames(["en"], { type: "language" })
    : new Intl.DisplayNames(["de"], { type: "language" });

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function link(text, href, external) {
    const a = el("a", text);
    a.href = href;
    if (external) { a.rel = "noopener noreferrer external"; a.target = "_blank"; }
    return a;
  }

  // "09:00" → "9" (German, whole hours) or "9:30"; English keeps "09:00"
  function clock(hhmm) {
    if (lang === "en") return hhmm;
    const [h, m] = hhmm.split(":");
    return String(Number(h)) + (m === "00" ? "" : ":" + m);
  }

  function listWords(items) {
    if (items.length <= 1) return items.join("");
    return items.slice(0, -1).join(", ") + " " + t.and + " " + items[items.length - 1];
  }

  // [0,1,2,3,4] → "Mo–Fr"; [1,3] → "Di und Do"; runs of three or more become ranges
  function dayWords(days) {
    const parts = [];
    let start = 0;
    for (let i = 1; i <= days.length; i++) {
      if (i === days.length || days[i] !== days[i - 1] + 1) {
        const run = days.slice(start, i);
        if (run.length >= 3) parts.push(DAYS[run[0]] + "–" + DAYS[run[run.length - 1]]);
        else run.forEach((d) => parts.push(DAYS[d]));
        start = i;
      }
    }
    return listWords(parts);
  }

  function timeWords(times) {
    return listWords(times.map(([a, b]) => clock(a) + "–" + clock(b))) + t.clock_suffix;
  }

  function whenWords(iso) {
    const at = new Date(iso + ":00");
    const today = new Date();
    const day = at.toDateString() === today.toDateString() ? "" : DAYS[(at.getDay() + 6) % 7] + " ";
    return day + clock(iso.slice(11, 16)) + t.clock_suffix;
  }

  // The usual week in words, and whether it is open now
  function hoursNode(r) {
    const box = el("div", null, "hours");
    const h = r.hours;
    if (!h) {
      box.appendChild(el("span", fill("hours_as_given", { text: r.opening_hours })));
      return box;
    }
    if (h.open_now === true || h.open_now === false) {
      const text = h.open_now
        ? (h.open_until ? fill("open_until", { time: whenWords(h.open_until) }) : t.is_open)
        : (h.opens_at ? fill("opens_at", { when: whenWords(h.opens_at) }) : t.is_closed);
      box.appendChild(el("span", text, "badge " + (h.open_now ? "open" : "closed")));
    }
    const week = el("ul", null, "week");
    h.week.forEach((g) => week.appendChild(el("li", dayWords(g.days) + " " + timeWords(g.times))));
    if (h.holidays_closed) week.appendChild(el("li", t.holidays_closed));
    box.appendChild(week);
    return box;
  }

  function addressText(r) {
    const street = [r.street, r.housenumber].filter(Boolean).join(" ");
    const town = [r.postcode, r.city].filter(Boolean).join(" ");
    return [street, town].filter(Boolean).join(", ");
  }

  function distanceText(r, nf) {
    if (r.distance_m < 100) return t.distance_here;
    const walk = r.walk_min < 1 ? t.walk_under_one : t.walk + " " + r.walk_min + " " + t.minutes;
    return nf.format(r.distance_m / 1000) + " km · " + walk;
  }

  // "aus OpenStreetMap, Stand 2021-08, ungeprüft": where a row comes from and how far to trust it
  function provenanceNode(r) {
    const label = lang === "en" ? r.source_label_en : r.source_label_de;
    const text = r.vintage ? fill("from_source", { source: label, vintage: r.vintage }) : label;
    const checked = r.tier === "geprueft";
    const wrap = el("span", text + ", ", "provenance");
    wrap.appendChild(el("span", checked ? t.tier_row_geprueft : t.tier_row_ungeprueft,
      "badge " + (checked ? "tier-checked" : "tier-unchecked")));
    wrap.dataset.tier = r.tier;
    return wrap;
  }

  const PHONE = /^\+?[0-9 ()/.-]{5,30}$/;
  const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[A-Za-z]{2,24}$/;

  function osmUrl(r) {
    return "https://www.openstreetmap.org/?mlat=" + r.lat + "&mlon=" + r.lon + "#map=18/" + r.lat + "/" + r.lon;
  }

  function routeUrl(r, from) {
    const to = r.lat + "," + r.lon;
    const start = from ? from.lat.toFixed(5) + "," + from.lon.toFixed(5) : "";
    return "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=" +
      encodeURIComponent(start + ";" + to);
  }

  function reportUrl(r) {
    return "https://www.openstreetmap.org/note/new#map=19/" + r.lat + "/" + r.lon;
  }

  // The card: a definition list of what is known, a line of what is not, and the links
  function card(r, options) {
    const nf = options.numberFormat;
    const dl = el("dl", null, "contact-card");
    const missing = [];
    function row(label, value, key) {
      if (value === null || value === undefined || value === "") { if (key) missing.push(label); return; }
      dl.appendChild(el("dt", label));
      const dd = el("dd");
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
      if (key) dd.dataset.field = key;
      dl.appendChild(dd);
    }
    row(t.type, lang === "en" ? r.type_label_en : r.type_label_de);
    row(t.distance, distanceText(r, nf));
    row(t.operator, r.operator, "operator");
    row(t.address, addressText(r), "address");
    row(t.phone, r.phone && PHONE.test(r.phone) ? link(r.phone, "tel:" + r.phone.replace(/[^0-9+]/g, "")) : null, "phone");
    row(t.email, r.email && EMAIL.test(r.email) ? link(r.email, "mailto:" + r.email) : null, "email");
    row(t.website, r.website && /^https?:\/\/[^\s]+$/i.test(r.website) ? link(r.website, r.website, true) : null, "website");
    row(t.opening_hours, r.opening_hours ? hoursNode(r) : null, "hours");
    row(t.wheelchair, { yes: t.wheelchair_yes, limited: t.wheelchair_limited, no: t.wheelchair_no }[r.wheelchair], "wheelchair");
    const codes = (r.languages || "").split(";").filter((c) => /^[a-z]{2}$/.test(c));
    if (codes.length) row(t.languages_offered, codes.map((c) => LANGUAGE_NAMES.of(c) || c).join(", "), "languages");
    row(t.source, provenanceNode(r));
    const box = el("div", null, "card");
    box.appendChild(dl);
    if (missing.length) {
      const line = el("p", fill("missing_fields", { fields: missing.join(", ") }) + " ", "missing");
      line.appendChild(link(t.report, reportUrl(r), true));
      box.appendChild(line);
    }
    const links = el("p", null, "card-links");
    links.appendChild(link(t.osm_view, osmUrl(r), true));
    links.appendChild(document.createTextNode(" · "));
    links.appendChild(link(t.route, routeUrl(r, options.from), true));
    box.appendChild(links);
    return box;
  }

  window.nkContactCard = { card: card, distanceText: distanceText };
})();
