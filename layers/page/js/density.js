// The density surface, recomputed in the page for the parks a filter leaves, on the Python grid.
var density = densityLayer ? densityLayer.khDensity : null;
var densityState = {used: density ? density.n_used : 0, filtered: false};
if (density) { density.url = densityLayer._url; }
function densitySurface(indices) {  // Σ w·exp(-d²/2σ²)/(2πσ²) per km² at the cell centres, as geo.analyse.density
    var g = density, R = g.rows, C = g.columns, out = new Float64Array(R * C);
    var south = g.bounds[0][0], west = g.bounds[0][1], north = g.bounds[1][0], east = g.bounds[1][1];
    var gx = new Float64Array(C), reach = 6;  // the kernel is cut at 6σ (below 2e-8 of its peak)
    indices.forEach(function (i) {
        var column = (d.lon0[i] - west) / (east - west) * C - 0.5, row = (north - d.lat0[i]) / (north - south) * R - 0.5;
        var at_ = Math.min(R - 1, Math.max(0, Math.round(row)));
        var sx = g.widths[at_] / g.bandwidth_m, sy = g.heights[at_] / g.bandwidth_m;
        var c0 = Math.max(0, Math.ceil(column - reach / sx)), c1 = Math.min(C - 1, Math.floor(column + reach / sx));
        var r0 = Math.max(0, Math.ceil(row - reach / sy)), r1 = Math.min(R - 1, Math.floor(row + reach / sy));
        for (var c = c0; c <= c1; c++) { gx[c] = Math.exp(-0.5 * Math.pow((c - column) * sx, 2)); }
        for (var r = r0; r <= r1; r++) {
            var f = d.heat[i] * Math.exp(-0.5 * Math.pow((r - row) * sy, 2)), base = r * C;
            for (c = c0; c <= c1; c++) { out[base + c] += f * gx[c]; }
        }
    });
    var perKm2 = 1e6 / (2 * Math.PI * g.bandwidth_m * g.bandwidth_m);
    for (var k = 0; k < out.length; k++) { out[k] *= perKm2; }
    return out;
}
function interp(x, xs, ys) {  // numpy.interp: linear, clamped at both ends
    if (x <= xs[0]) { return ys[0]; }
    for (var k = 1; k < xs.length; k++) {
        if (x <= xs[k]) { return ys[k - 1] + (ys[k] - ys[k - 1]) * (x - xs[k - 1]) / (xs[k] - xs[k - 1]); }
    }
    return ys[ys.length - 1];
}
function densityPixels(values) {  // RGBA along the same ramp and levels as layers.elements.density.density_rgba
    var g = density, pixels = new Uint8ClampedArray(values.length * 4);
    if (!g.levels.length) { return pixels; }
    var stops = [g.levels[0] * g.threshold].concat(g.levels);
    var steps = stops.map(function (_, k) { return k / (stops.length - 1); });
    var at_ = g.ramp.map(function (stop) { return stop[0]; });
    var channels = [0, 1, 2, 3].map(function (ch) { return g.ramp.map(function (stop) { return stop[1][ch]; }); });
    for (var k = 0; k < values.length; k++) {
        if (!(values[k] > stops[0])) { continue; }
        var position = interp(values[k], stops, steps);
        for (var ch = 0; ch < 4; ch++) { pixels[4 * k + ch] = Math.round(interp(position, at_, channels[ch])); }
    }
    return pixels;
}
var drawnFor = null;
function updateDensity(used) {
    if (!density) { return; }
    var all = used === density.n_used;  // every park of the Python surface is shown: its exact image
    densityState = {used: used, filtered: !all};
    if (!map.hasLayer(densityLayer)) { return; }  // overlayadd runs apply() again
    var key = JSON.stringify([state.filter, Object.keys(parks.groups).filter(function (code) {
        return map.hasLayer(parks.groups[code]); })]);
    if (key === drawnFor) { renderDensityLegend(); return; }  // e.g. a language switch
    drawnFor = key;
    if (all) {
        kh.density = {values: null, pixels: null, used: used};
        if (densityLayer._url !== density.url) { densityLayer.setUrl(density.url); }
    } else {
        var indices = [];
        for (var i = 0; i < n; i++) { if (d.heat[i] !== null && shownNow[i]) { indices.push(i); } }
        var values = densitySurface(indices), pixels = densityPixels(values);
        var canvas = document.createElement("canvas");
        canvas.width = density.columns;
        canvas.height = density.rows;
        canvas.getContext("2d").putImageData(new ImageData(pixels, density.columns, density.rows), 0, 0);
        densityLayer.setUrl(canvas.toDataURL("image/png"));
        kh.density = {values: Array.prototype.slice.call(values), pixels: pixels, used: used};
    }
    renderDensityLegend();
}
function densityTitle() {
    var g = density;
    return g.weight === "count" ? t("density.title.count")
        : fill(t("density.title.figure"), {figure: t("field." + g.weight)});
}
function densityLegend() {
    var g = density, unit = t("density.unit." + g.weight), km = number(g.bandwidth_m / 1000, 3);
    var ticks = g.levels.map(function (v, k) {
        return '<span class="kh-density-tick" style="left:' + (100 * (k + 1) / g.levels.length).toFixed(4) + '%">' +
            esc(number(v, 6)) + "</span>";
    }).join("");
    var scale = g.levels.length
        ? '<div class="kh-density-bar" style="background:' + esc(g.gradient) + '"></div>' +
          '<div class="kh-density-ticks">' + ticks + '</div><div class="kh-density-unit">' + esc(unit) + "</div>"
        : '<div class="kh-density-empty">' + esc(t("density.empty")) + "</div>";
    var parksText = fill(t(g.weight === "count" ? "density.parks.count" : "density.parks.figure"),
                         {n: densityState.used, total: n, figure: t("field_in_text." + g.weight)});
    return '<div class="kh-density-legend" lang="' + state.language + '"><div class="kh-density-title">' +
        esc(densityTitle()) + "</div>" + scale +
        "<div>" + esc(fill(t("density.kernel"), {km: km})) + "</div>" +
        "<div>" + esc(fill(t("density.detail"), {sigma: number(g.bandwidth_m, 0), cell: number(g.cell_m, 0)})) + "</div>" +
        '<div class="kh-density-parks">' + esc(parksText) + "</div>" +
        (densityState.filtered ? '<div class="kh-density-filtered">' + esc(t("density.filtered")) + "</div>" : "") +
        "</div>";
}
function renderDensityLegend() {
    var box = document.querySelector(".kh-density-control");
    if (box && density) { box.innerHTML = densityLegend(); }
}
if (density) { kh.densityLegend = densityLegend; }
