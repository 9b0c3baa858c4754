// Download panel: an area chosen by name, the data, format and CSV dialect become the link to
// /api/export. Unknown names are said as text; nothing from the data goes in as HTML.
(function () {
  "use strict";
  const panel = document.getElementById("download-panel");
  if (!panel) return;
  const area = document.getElementById("dl-area");
  const note = document.getElementById("dl-area-note");
  const link = document.getElementById("dl-link");
  const t = window.nkI18n.t;
  const byLabel = new Map();
  document.querySelectorAll("#dl-areas option").forEach((o) => {
    byLabel.set(o.value, { param: o.dataset.param, value: o.dataset.value });
  });

  function update() {
    const params = new URLSearchParams();
    params.set("data", document.getElementById("dl-data").value);
    const format = document.getElementById("dl-format").value;
    params.set("format", format);
    document.getElementById("dl-dialect").disabled = format !== "csv";
    if (format === "csv") params.set("dialect", document.getElementById("dl-dialect").value);
    const chosen = byLabel.get(area.value.trim());
    if (chosen) {
      params.set(chosen.param, chosen.value);
      note.textContent = "";
    } else if (area.value.trim()) {
      note.textContent = t.dl_unknown_area;
    } else {
      note.textContent = t.dl_whole_state;
    }
    link.href = panel.dataset.exportUrl + "?" + params.toString();
    link.setAttribute("aria-disabled", String(Boolean(area.value.trim() && !chosen)));
  }

  panel.addEventListener("input", update);
  panel.addEventListener("change", update);
  update();
})();
