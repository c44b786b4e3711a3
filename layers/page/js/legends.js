// Layer-control names and the map legend in the reader's language; legends fold on small screens.
names.forEach(function (pair) { pair[0].khName = pair[1]; });
function layerName(spec) {
    if (spec.sector !== undefined) {
        return '<span class="kh-dot" style="color:' + esc(spec.colour) + '">&#9679;</span> ' +
            esc(label(cfg.sectors, spec.sector)) + " (" + spec.count + ")";
    }
    if (spec.density !== undefined) { return esc(densityTitle() + " (" + t("density.unit." + spec.density) + ")"); }
    return cfg.strings[spec.key] ? esc(t(spec.key)) : null;
}
var namedIn = null;
function renderLayerNames() {  // Leaflet 1.9.4 (pinned) keeps the names in control._layers
    if (!control || !control._layers || namedIn === state.language) { return; }
    namedIn = state.language;
    control._layers.forEach(function (item) {
        var name = item.layer.khName ? layerName(item.layer.khName) : null;
        if (name !== null) { item.name = name; }
    });
    if (control._map) { control._update(); }
}

// --- the map legend, in the reader's language ---------------------------------------------------------
function renderLegend(carrying) {  // carrying: parks shown that carry the weight
    var box = document.querySelector(".kh-legend"), g = cfg.legend;
    if (!box || !g) { return; }
    var units = {investment: ["field.investment", "unit.yi"], floor_area: ["field.floor_area", "unit.wan_m2"],
                 output: ["field.output", "unit.yi"]};
    var weight = g.weight === "count"
        ? fill(t("legend.weight.count"), {n: carrying, total: g.total})
        : fill(t("legend.weight.figure"), {figure: t(units[g.weight][0]), unit: t(units[g.weight][1]),
                                           n: carrying, total: g.total});
    var html = "<h4>" + titleHtml() + '</h4><div class="kh-weight">' + esc(weight) + "</div>" +
        (g.ramp ? '<div class="kh-ramp"></div><div>' + esc(t("legend.ramp")) + "</div>"
                : "<div>" + esc(t("legend.density")) + "</div>") +
        '<div><span class="kh-sym" style="background:#1f77b4;border:2px solid #fff"></span>' +
        esc(t("legend.exact")) + "</div>" +
        '<div><span class="kh-sym" style="background:rgba(31,119,180,0.45);border:2px dashed #1f77b4"></span>' +
        esc(t("legend.approximate")) + "</div>" +
        '<div class="kh-note">' + esc(t("legend.schematic")) + "</div>";
    if (g.city) { html += '<div class="kh-note">' + esc(fill(t("legend.city"), {n: g.city})) + "</div>"; }
    if (!g.total) { html += '<div class="kh-note">' + esc(t("legend.empty")) + "</div>"; }
    box.innerHTML = html;
}

// --- legends fold to their titles (and the density scale) on small screens; a click on a title toggles --
var container = map.getContainer();
container.classList.toggle("kh-folded", window.matchMedia("(max-width: 700px), (max-height: 560px)").matches);
container.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".kh-legend h4, .kh-density-title")) {
        container.classList.toggle("kh-folded");
    }
});
