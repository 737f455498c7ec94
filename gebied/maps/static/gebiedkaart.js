/* gebiedkaart.js — the small client side of the gebied maps (no dependencies but Leaflet).
 * Layers: addresses on canvas tiles, area choropleths, clusters; controls: time slider,
 * search, legend, title. Every layer listens to the map event "gkperiode" (slider). */
(function () {
  "use strict";
  var GK = (window.GK = { period: 0, labels: [], pts: null, areaLayers: [], errors: [] });

  GK.esc = function (s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  GK.label = function (t) {
    return GK.labels[t] !== undefined ? GK.labels[t] : "periode " + t;
  };
  GK.pane = function (map, name, z) {
    if (!map.getPane(name)) {
      var p = map.createPane(name);
      p.style.zIndex = z;
      p.style.pointerEvents = "none";
    }
    return name;
  };
  /* Popup on click, unless the same click hit an address point (that popup wins). */
  GK.popupOnClick = function (map, l, html) {
    l.on("click", function (ev) {
      if (ev.originalEvent && ev.originalEvent.timeStamp === GK.puntKlik) return;
      L.popup({ maxWidth: 360 }).setLatLng(ev.latlng).setContent(html).openOn(map);
    });
  };
  GK.setPeriod = function (map, t) {
    GK.period = t;
    map.fire("gkperiode", { periode: t });
  };

  /* ---------------------------------------------------------------- addresses */
  GK.points = function (map, P) {
    GK.P = P;
    var n = P.lat.length, crs = map.options.crs;
    var px = new Float64Array(n), py = new Float64Array(n), order = new Array(n);
    for (var i = 0; i < n; i++) {
      var p = crs.latLngToPoint(L.latLng(P.lat[i] / P.scale, P.lon[i] / P.scale), 0);
      px[i] = p.x; py[i] = p.y; order[i] = i;
    }
    order.sort(function (a, b) { return px[a] - px[b]; });
    var sx = new Float64Array(n);
    for (var k = 0; k < n; k++) sx[k] = px[order[k]];
    function lower(v) {
      var lo = 0, hi = n;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (sx[mid] < v) lo = mid + 1; else hi = mid; }
      return lo;
    }
    function colour(i) {
      var t = GK.period, g = P.gereed[i];
      if (t > 0 && g > 0 && g <= t) return P.gereed_index;
      return P.fase[i];
    }
    function radius(z) { return z >= 17 ? 5 : z >= 15 ? 4 : z >= 13 ? 3 : 2; }
    var Tiles = L.GridLayer.extend({
      createTile: function (c) {
        var tile = L.DomUtil.create("canvas", "leaflet-tile");
        var size = this.getTileSize();
        tile.width = size.x; tile.height = size.y;
        var ctx = tile.getContext("2d"), s = Math.pow(2, c.z), r = radius(c.z), pad = (r + 1) / s;
        var x0 = (c.x * size.x) / s, x1 = ((c.x + 1) * size.x) / s;
        var y0 = (c.y * size.y) / s, y1 = ((c.y + 1) * size.y) / s;
        var buckets = {};
        for (var k = lower(x0 - pad); k < n && sx[k] <= x1 + pad; k++) {
          var i = order[k];
          if (py[i] < y0 - pad || py[i] > y1 + pad) continue;
          var b = colour(i);
          (buckets[b] = buckets[b] || []).push(i);
        }
        ctx.lineWidth = r > 2 ? 0.8 : 0.4;
        ctx.strokeStyle = "rgba(40,40,40,0.8)";
        Object.keys(buckets).forEach(function (b) {
          ctx.fillStyle = P.colors[b];
          ctx.beginPath();
          buckets[b].forEach(function (i) {
            var x = px[i] * s - c.x * size.x, y = py[i] * s - c.y * size.y;
            ctx.moveTo(x + r, y);
            ctx.arc(x, y, r, 0, 2 * Math.PI);
          });
          ctx.fill();
          ctx.stroke();
        });
        GK.drawnTiles = (GK.drawnTiles || 0) + 1;
        if (!GK.firstTileAt) GK.firstTileAt = performance.now();
        return tile;
      },
    });
    var layer = new Tiles({ pane: GK.pane(map, "gkPunten", 450), updateWhenZooming: false, keepBuffer: 1 });
    map.on("gkperiode", function () { if (map.hasLayer(layer)) layer.redraw(); });
    function popupHtml(i) {
      var g = P.gereed[i];
      var rows = [
        ["Adres-id", P.id[i]],
        ["Postcode", P.pc[i]],
        ["Fase", P.fase_labels[P.fase[i]]],
        ["Risicoprofiel", P.risico_labels[P.risico[i]]],
        ["Uitkomst", P.uitkomst_labels[P.uitkomst[i]]],
        ["Cluster", P.clusters[P.cluster[i]]],
        ["Gereed gepland", g > 0 ? GK.label(g) : g === 0 ? "al gereed" : "niet gepland"],
        ["Vlaggen", P.vlaggen[i]],
      ];
      return '<div class="gk-popup"><b>' + GK.esc(P.adres[i]) + "</b><table>" +
        rows.map(function (r) { return "<tr><th>" + GK.esc(r[0]) + "</th><td>" + GK.esc(r[1]) + "</td></tr>"; }).join("") +
        "</table></div>";
    }
    function latlng(i) { return L.latLng(P.lat[i] / P.scale, P.lon[i] / P.scale); }
    function open(i) {
      L.popup({ maxWidth: 320 }).setLatLng(latlng(i)).setContent(popupHtml(i)).openOn(map);
    }
    /* "preclick" reaches the map even when a polygon or line is hit (then "click" does not);
       the point popup opens after the layer popups, so a home wins over the area under it. */
    var pending = null;
    map.on("preclick", function (e) {
      if (!map.hasLayer(layer)) return;
      var z = map.getZoom(), s = Math.pow(2, z), tol = (radius(z) + 3) / s;
      var q = crs.latLngToPoint(e.latlng, 0), best = -1, bestD = tol * tol;
      for (var k = lower(q.x - tol); k < n && sx[k] <= q.x + tol; k++) {
        var i = order[k], dx = px[i] - q.x, dy = py[i] - q.y, d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      if (best >= 0) {
        if (e.originalEvent) GK.puntKlik = e.originalEvent.timeStamp;
        clearTimeout(pending);
        pending = setTimeout(function () { open(best); }, 0);
      }
    });
    GK.map = map;
    GK.pts = { layer: layer, data: P, open: open, latlng: latlng, n: n };
    return layer;
  };

  /* ---------------------------------------------------------------- areas */
  GK.colourFor = function (v, breaks, colors) {
    if (v === null || v === undefined || isNaN(v)) return "#bdbdbd";
    for (var i = 0; i < breaks.length; i++) if (v < breaks[i]) return colors[i];
    return colors[colors.length - 1];
  };
  GK.areas = function (map, A) {
    function value(f) {
      var p = f.properties;
      if (A.mode === "voortgang") {
        if (!p.n) return null;
        var c = p.cum[Math.min(GK.period, p.cum.length - 1)];
        return c / p.n;
      }
      if (A.mode === "periode") {
        if (GK.period > 0 && p.gereed_p && p.gereed_p <= GK.period) return -1;
        return p.start;
      }
      return p.v;
    }
    function style(f) {
      var v = value(f), fill;
      if (A.mode === "periode") fill = v === -1 ? A.gereed_color : v ? A.colors[Math.min(v, A.colors.length) - 1] : "#bdbdbd";
      else fill = GK.colourFor(v, A.breaks, A.colors);
      return { color: "#333", weight: 1, fillColor: fill, fillOpacity: A.opacity || 0.6 };
    }
    function fmt(v) {
      if (v === null || v === undefined) return "geen gegevens";
      if (A.mode === "periode") return v === -1 ? "gereed" : v ? "start " + GK.label(v) : "geen planning";
      if (A.format === "pct") return Math.round(v * 100) + "%";
      return String(v);
    }
    var layer = L.geoJSON(A.geojson, {
      style: style,
      onEachFeature: function (f, l) {
        l.bindTooltip(function () {
          var extra = A.mode === "voortgang" && GK.period > 0 ? " (eind " + GK.label(GK.period) + ")" : "";
          return "<b>" + GK.esc(f.properties.naam) + "</b><br>" + GK.esc(A.label) + extra + ": " + GK.esc(fmt(value(f)));
        }, { sticky: true });
        GK.popupOnClick(map, l, f.properties.popup);
      },
    });
    map.on("gkperiode", function () { layer.setStyle(style); });
    GK.areaLayers.push(layer);
    return layer;
  };

  /* ---------------------------------------------------------------- clusters */
  GK.clusters = function (map, C) {
    function style(f) {
      var p = f.properties, t = GK.period;
      var base = p.start ? C.colors[Math.min(p.start, C.colors.length) - 1] : "#969696";
      if (t > 0 && p.gereed_p && p.gereed_p <= t)
        return { color: C.gereed_color, weight: 2, dashArray: "4 3", fillColor: C.gereed_color, fillOpacity: 0.35 };
      if (t > 0 && p.start && p.start > t) return { color: base, weight: 1, fillColor: base, fillOpacity: 0.1 };
      return { color: "#252525", weight: 1.5, fillColor: base, fillOpacity: 0.55 };
    }
    var layer = L.geoJSON(C.geojson, {
      style: style,
      onEachFeature: function (f, l) {
        l.bindTooltip(GK.esc(f.properties.tip), { sticky: true });
        GK.popupOnClick(map, l, f.properties.popup);
      },
    });
    map.on("gkperiode", function () { layer.setStyle(style); });
    return layer;
  };

  /* ---------------------------------------------------------------- hot spots */
  GK.hotspots = function (map, H) {
    /* Polygons, most severe first; a click shows the explanation and this hot spot's pair lines. */
    var layer = L.geoJSON(H.geojson, {
      style: function (f) {
        var c = H.kleuren[f.properties.top ? 0 : 1];
        return { color: c, weight: f.properties.top ? 3 : 2, fillColor: c, fillOpacity: 0.25 };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(GK.esc(f.properties.tip), { sticky: true });
        l.on("click", function (ev) {
          if (ev.originalEvent && ev.originalEvent.timeStamp === GK.puntKlik) return;
          L.popup({ maxWidth: 400 }).setLatLng(ev.latlng).setContent(f.properties.popup).openOn(map);
          if (GK.showPairs) GK.showPairs(f.properties.h);
        });
      },
    });
    return layer;
  };

  /* ---------------------------------------------------------------- flags */
  GK.flags = function (map, F) {
    /* Lines are built when the layer is first shown, on one shared canvas renderer. */
    var group = L.layerGroup(), built = false, renderer = L.canvas({ padding: 0.3 });
    var ernstNaam = ["onbekend", "laag", "middel", "hoog"];
    function adres(i) {
      return GK.P && i >= 0 && GK.P.adres ? GK.P.adres[i] : "";
    }
    function popup(k) {
      var soort = F.soorten[F.t[k]], rows = "";
      rows += "<tr><th>Soort</th><td>" + GK.esc(soort) + "</td></tr>";
      rows += "<tr><th>Ernst</th><td>" + GK.esc(ernstNaam[F.e[k]] || F.e[k]) + "</td></tr>";
      if (F.d[k] >= 0) rows += "<tr><th>Afstand</th><td>" + F.d[k] + " m</td></tr>";
      if (adres(F.a[k])) rows += "<tr><th>Adres</th><td>" + GK.esc(adres(F.a[k])) + "</td></tr>";
      if (adres(F.b[k])) rows += "<tr><th>Buuradres</th><td>" + GK.esc(adres(F.b[k])) + "</td></tr>";
      return '<div class="gk-popup"><b>Vlag: ongelijke behandeling</b><table>' + rows +
        "</table><p>" + GK.esc(F.uitleg[F.t[k]]) + " De volledige toelichting staat in plan.gpkg (laag vlaggen).</p></div>";
    }
    function line(k) {
      var s = F.scale;
      var a = [F.lat[k] / s, F.lon[k] / s], b = [(F.lat[k] + F.dlat[k]) / s, (F.lon[k] + F.dlon[k]) / s];
      var l = L.polyline([a, b], { renderer: renderer, color: F.kleuren[F.e[k]] || F.kleuren[0], weight: 3, opacity: 0.9 });
      l.on("click", function (ev) {
        if (ev.originalEvent && ev.originalEvent.timeStamp === GK.puntKlik) return;
        L.popup({ maxWidth: 360 }).setLatLng(ev.latlng).setContent(popup(k)).openOn(map);
      });
      return l;
    }
    function build() {
      for (var k = 0; k < F.lat.length; k++) group.addLayer(line(k));
      built = true;
    }
    /* The pair lines of one hot spot (the "all pairs" layer stays off by default). */
    var pairs = L.layerGroup();
    GK.showPairs = function (h) {
      pairs.clearLayers();
      if (!F.h) return;
      for (var k = 0; k < F.h.length; k++) if (F.h[k] === h) pairs.addLayer(line(k));
      pairs.addTo(map);
    };
    var onAdd = group.onAdd;
    group.onAdd = function (m) {
      if (!built) build();
      return onAdd.call(group, m);
    };
    return group;
  };

  /* ---------------------------------------------------------------- controls */
  GK.outline = function (naam) {
    var found = null;
    GK.areaLayers.forEach(function (g) {
      g.eachLayer(function (l) { if (!found && l.feature && l.feature.properties.naam === naam) found = l.getBounds(); });
    });
    return found;
  };

  GK.slider = function (map, S) {
    GK.labels = S.labels;
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "gk-box gk-slider");
      div.innerHTML = '<label for="gk-slider"><b>Tijd</b>: wat is gereed op welk moment</label>' +
        '<input type="range" id="gk-slider" min="0" max="' + (S.labels.length - 1) + '" step="1" value="0">' +
        '<div class="gk-slider-label" id="gk-slider-label"></div>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var input = div.querySelector("input"), out = div.querySelector(".gk-slider-label");
      function show(t) {
        var txt = t === 0 ? S.labels[0] : "Eind " + S.labels[t];
        if (S.gereed && S.gereed[t] !== undefined && S.gereed[t] !== null) txt += ": " + S.gereed[t] + " gereed";
        out.textContent = txt;
      }
      input.addEventListener("input", function () {
        var t = parseInt(input.value, 10);
        show(t);
        GK.setPeriod(map, t);
      });
      show(0);
      return div;
    };
    ctl.addTo(map);
    return ctl;
  };

  GK.search = function (map, S) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "gk-box gk-search");
      div.innerHTML = '<input type="search" id="gk-zoek" placeholder="' + GK.esc(S.placeholder) + '" aria-label="Zoeken">' +
        '<ul class="gk-results" id="gk-resultaten"></ul>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var input = div.querySelector("input"), list = div.querySelector("ul");
      var hits = [];
      function norm(s) { return String(s || "").toLowerCase().replace(/\s+/g, ""); }
      function find(q) {
        var out = [], nq = norm(q);
        if (nq.length < 2) return out;
        (S.areas || []).forEach(function (a) {
          if (out.length < 10 && (norm(a.naam).indexOf(nq) >= 0 || norm(a.code) === nq))
            out.push({ text: a.naam + " (" + a.soort + ")", go: function () { map.fitBounds(a.bounds || GK.outline(a.naam)); } });
        });
        var P = GK.pts && GK.pts.data;
        if (P) {
          var pcs = {};
          for (var i = 0; i < P.adres.length && out.length < 10; i++) {
            var pc = norm(P.pc[i]);
            if (pc && pc.indexOf(nq) === 0 && nq.length >= 4) {
              if (!pcs[pc]) { pcs[pc] = []; }
              pcs[pc].push(i);
              continue;
            }
            if (norm(P.adres[i] + P.pc[i]).indexOf(nq) >= 0 || norm(P.adres[i]).indexOf(nq) >= 0)
              out.push({ text: P.adres[i] + ", " + P.pc[i], go: (function (j) { return function () {
                if (!map.hasLayer(GK.pts.layer)) map.addLayer(GK.pts.layer);
                map.setView(GK.pts.latlng(j), 18); GK.pts.open(j); }; })(i) });
          }
          Object.keys(pcs).slice(0, 10 - out.length).forEach(function (pc) {
            var idx = pcs[pc];
            out.unshift({ text: "Postcode " + P.pc[idx[0]] + " (" + idx.length + " adressen)", go: function () {
              if (!map.hasLayer(GK.pts.layer)) map.addLayer(GK.pts.layer);
              map.fitBounds(L.latLngBounds(idx.map(GK.pts.latlng)).pad(0.3), { maxZoom: 18 }); } });
          });
        }
        return out.slice(0, 10);
      }
      function render() {
        hits = find(input.value);
        list.innerHTML = hits.map(function (h, k) { return '<li data-k="' + k + '">' + GK.esc(h.text) + "</li>"; }).join("") ||
          (norm(input.value).length >= 2 ? "<li class=gk-none>Niets gevonden</li>" : "");
      }
      input.addEventListener("input", render);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter" && hits.length) { hits[0].go(); } });
      list.addEventListener("click", function (e) {
        var li = e.target.closest("li"); if (li && li.dataset.k !== undefined) hits[+li.dataset.k].go();
      });
      return div;
    };
    ctl.addTo(map);
    return ctl;
  };

  GK.legend = function (map, D) {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "gk-box gk-legend");
      var html = "<details open><summary><b>Legenda</b></summary>";
      D.sections.forEach(function (s) {
        html += '<div class="gk-section"><div class="gk-section-title">' + GK.esc(s.title) + "</div>";
        if (s.svg) html += '<div class="gk-svg">' + s.svg + "</div>";
        (s.items || []).forEach(function (it) {
          html += '<div class="gk-item"><span class="gk-swatch gk-' + (it.shape || "square") + '" style="background:' +
            GK.esc(it.color) + '"></span>' + GK.esc(it.label) + "</div>";
        });
        if (s.note) html += '<div class="gk-note">' + GK.esc(s.note) + "</div>";
        html += "</div>";
      });
      html += '<div class="gk-note">' + GK.esc(D.footer) + "</div></details>";
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
    return ctl;
  };

  GK.title = function (map, T) {
    var div = L.DomUtil.create("div", "gk-title", map.getContainer());
    div.innerHTML = "<h1>" + GK.esc(T.title) + "</h1><div>" + GK.esc(T.subtitle) + "</div>";
    L.DomEvent.disableClickPropagation(div);
    return div;
  };

  /* Called last: marks the moment all own layers are on the map and painted. */
  GK.ready = function (map) {
    GK.map = map;
    requestAnimationFrame(function () { requestAnimationFrame(function () { GK.readyAt = performance.now(); }); });
  };

  window.addEventListener("error", function (e) { GK.errors.push(String(e.message)); });
})();
