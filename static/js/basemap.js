// The self-hosted street base map: the PMTiles archive of the app drawn by MapLibre GL inside
// the Leaflet map (maplibre-gl-leaflet), in the calm style of static/basemap/style.json. The
// archive is read with range requests from the app itself; nothing comes from another host.
// `available` says whether it can be drawn here (archive installed, WebGL); otherwise the page
// shows outlines.
(function () {
  "use strict";
  // "Straßenkarte: © OpenMapTiles © OpenStreetMap-Mitwirkende", the words from geo/i18n
  const ATTRIBUTION = window.nkI18n.t.basemap_credit
    .replace("{omt}", '<a href="https://openmaptiles.org/">OpenMapTiles</a>')
    .replace("{osm}", '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>');

  function hasWebGL() {
    try {
      const canvas = document.createElement("canvas");
      return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
    } catch (err) {
      return false;
    }
  }

  // the archive is installed and this browser can draw it
  function available(ds) {
    return Boolean(ds.basemapUrl && window.maplibregl && L.maplibreGL && window.pmtiles && hasWebGL());
  }

  // Call on a visible map: MapLibre sizes its canvas from the container when it is created.
  function add(map, ds, onFail) {
    if (!available(ds)) return null;
    maplibregl.setWorkerUrl(ds.basemapWorker);
    maplibregl.addProtocol("pmtiles", new pmtiles.Protocol().tile);
    const archive = new URL(ds.basemapUrl, window.location.href).href;
    const handle = { layer: null };
    fetch(ds.basemapStyle).then((r) => {
      if (!r.ok) throw new Error("style: HTTP " + r.status);
      return r.json();
    }).then((style) => {
      style.sources.openmaptiles.url = "pmtiles://" + archive;
      handle.layer = L.maplibreGL({ style: style, interactive: false }).addTo(map);
      map.attributionControl.addAttribution(ATTRIBUTION);
      // data-basemap-drawn: the base map has drawn the current view (tests and screenshots)
      const gl = handle.layer.getMaplibreMap();
      const drawn = () => { map.getContainer().dataset.basemapDrawn = "1"; };
      gl.once("idle", drawn);
      map.on("movestart", () => { delete map.getContainer().dataset.basemapDrawn; });
      map.on("moveend", () => { gl.once("idle", drawn); gl.triggerRepaint(); });
    }).catch((err) => {
      map.getContainer().dataset.basemapError = String(err);
      if (onFail) onFail(err);
    });
    return handle;
  }

  window.nkBasemap = { available: available, add: add };
})();
