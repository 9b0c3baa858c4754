// The page's UI strings (rendered by the server from geo/i18n into #i18n) and a filler for
// their {placeholders}. Every script takes its words from here, never writes its own.
(function () {
  "use strict";
  const holder = document.getElementById("i18n");
  const t = holder ? JSON.parse(holder.textContent) : {};
  function fill(key, vars) {
    const template = t[key] === undefined ? key : t[key];
    return template.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
  }
  window.nkI18n = { t: t, fill: fill, locale: t.locale || "de-DE", lang: document.documentElement.lang || "de" };
})();
