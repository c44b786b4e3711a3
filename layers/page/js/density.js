// Module density(map, parks, densityLayer, densityLegend, text, markers, filters): the density surface recomputed
// for the parks a filter leaves, on the Python grid and with its kernel and colours (densityLayer.khDensity), and its
// legend in the reader's language. The surface drawn is kept as densityLayer.khSurface.
var esc = text.esc, t = text.t, fill = text.fill, n = parks.lat.length;
var kernel = densityLayer ? densityLayer.khDensity : null;
var state = {used: kernel ? kernel.n_used : 0, filtered: false, drawnFor: null,
             url: densityLayer ? densityLayer._url : null};  // the image computed in Python

function surface(indices) {  // Σ w·exp(-d²/2σ²)/(2πσ²) per km² at the cell centres, as geo.analyse.density
    var g = kernel, R = g.rows, C = g.columns, out = new Float64Array(R * C);
    var south = g.bounds[0][0], west = g.bounds[0][1], north = g.bounds[1][0], east = g.bounds[1][1];
    var gx = new Float64Array(C), reach = 6;  // the kernel is cut at 6σ (below 2e-8 of its peak)
    indices.forEach(function (i) {
        var column = (parks.lon0[i] - west) / (east - west) * C - 0.5;
        var row = (north - parks.lat0[i]) / (north - south) * R - 0.5;
        var at = Math.min(R - 1, Math.max(0, Math.round(row)));
        var sx = g.widths[at] / g.bandwidth_m, sy = g.heights[at] / g.bandwidth_m;
        var c0 = Math.max(0, Math.ceil(column - reach / sx)), c1 = Math.min(C - 1, Math.floor(column + reach / sx));
        var r0 = Math.max(0, Math.ceil(row - reach / sy)), r1 = Math.min(R - 1, Math.floor(row + reach / sy));
        for (var c = c0; c <= c1; c++) { gx[c] = Math.exp(-0.5 * Math.pow((c - column) * sx, 2)); }
        for (var r = r0; r <= r1; r++) {
            var f = parks.heat[i] * Math.exp(-0.5 * Math.pow((r - row) * sy, 2)), base = r * C;
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
function pixels(values) {  // RGBA along the same ramp and levels as layers.elements.density.density_rgba
    var g = kernel, out = new Uint8ClampedArray(values.length * 4);
    if (!g.levels.length) { return out; }
    var stops = [g.levels[0] * g.threshold].concat(g.levels);
    var steps = stops.map(function (_, k) { return k / (stops.length - 1); });
    var at = g.ramp.map(function (stop) { return stop[0]; });
    var channels = [0, 1, 2, 3].map(function (ch) { return g.ramp.map(function (stop) { return stop[1][ch]; }); });
    for (var k = 0; k < values.length; k++) {
        if (!(values[k] > stops[0])) { continue; }
        var position = interp(values[k], stops, steps);
        for (var ch = 0; ch < 4; ch++) { out[4 * k + ch] = Math.round(interp(position, at, channels[ch])); }
    }
    return out;
}
function draw(on, used) {  // the surface of the parks shown, drawn on a canvas as the layer's image
    var indices = [];
    for (var i = 0; i < n; i++) { if (parks.heat[i] !== null && on[i]) { indices.push(i); } }
    var values = surface(indices), rgba = pixels(values), canvas = document.createElement("canvas");
    canvas.width = kernel.columns;
    canvas.height = kernel.rows;
    canvas.getContext("2d").putImageData(new ImageData(rgba, kernel.columns, kernel.rows), 0, 0);
    densityLayer.setUrl(canvas.toDataURL("image/png"));
    densityLayer.khSurface = {values: Array.prototype.slice.call(values), pixels: rgba, used: used};
}
function update(drawn) {
    var used = drawn.points.length, all = used === kernel.n_used;  // every park of the Python surface: its image
    state.used = used;
    state.filtered = !all;
    if (map.hasLayer(densityLayer)) {  // overlayadd redraws again
        var key = JSON.stringify([filters.filter(), Object.keys(markers.groups).filter(function (code) {
            return map.hasLayer(markers.groups[code]); })]);
        if (key !== state.drawnFor) {  // not, e.g., a language switch
            state.drawnFor = key;
            if (!all) { draw(drawn.on, used); }
            else {
                densityLayer.khSurface = {values: null, pixels: null, used: used};
                if (densityLayer._url !== state.url) { densityLayer.setUrl(state.url); }
            }
        }
        renderLegend();
    }
}
function title() {
    return kernel.weight === "count" ? t("density.title.count")
        : fill(t("density.title.figure"), {figure: t("field." + kernel.weight)});
}
function name() { return title() + " (" + t("density.unit." + kernel.weight) + ")"; }
function scaleHtml() {  // the colour bar with the levels as ticks, and the unit
    var g = kernel;
    if (!g.levels.length) { return '<div class="kh-density-empty">' + esc(t("density.empty")) + "</div>"; }
    var ticks = g.levels.map(function (v, k) {
        return '<span class="kh-density-tick" style="left:' + (100 * (k + 1) / g.levels.length).toFixed(4) + '%">' +
            esc(text.number(v, 6)) + "</span>";
    }).join("");
    return '<div class="kh-density-bar" style="background:' + esc(g.gradient) + '"></div>' +
        '<div class="kh-density-ticks">' + ticks + '</div><div class="kh-density-unit">' +
        esc(t("density.unit." + g.weight)) + "</div>";
}
function legendHtml() {
    var g = kernel, km = text.number(g.bandwidth_m / 1000, 3);
    var counted = fill(t(g.weight === "count" ? "density.parks.count" : "density.parks.figure"),
                       {n: state.used, total: n, figure: t("field_in_text." + g.weight)});
    return '<div class="kh-density-legend" lang="' + esc(text.language()) + '"><div class="kh-density-title">' +
        esc(title()) + "</div>" + scaleHtml() +
        "<div>" + esc(fill(t("density.kernel"), {km: km})) + "</div>" +
        "<div>" + esc(fill(t("density.detail"), {sigma: text.number(g.bandwidth_m, 0),
                                                 cell: text.number(g.cell_m, 0)})) + "</div>" +
        '<div class="kh-density-parks">' + esc(counted) + "</div>" +
        (state.filtered ? '<div class="kh-density-filtered">' + esc(t("density.filtered")) + "</div>" : "") + "</div>";
}
function renderLegend() {
    var box = densityLegend ? densityLegend.getContainer() : null;
    if (box) { box.innerHTML = legendHtml(); }
    if (densityLayer.getElement()) { densityLayer.getElement().alt = name(); }  // the image, named for screen readers
}
if (kernel) { filters.listen(update); }

return {name: kernel ? name : null};
