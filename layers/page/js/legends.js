// Module legends(config, map, control, names, legend, outline, text, filters, density): the layer control's names,
// the map legend and the outline's source (attribution) in the reader's language; legends fold on small screens.
var esc = text.esc, t = text.t, fill = text.fill, namedIn = null, credited = null;
var UNITS = {investment: ["field.investment", "unit.yi"], floor_area: ["field.floor_area", "unit.wan_m2"],
             output: ["field.output", "unit.yi"]};
names.forEach(function (layer, k) { layer.khName = config.names[k]; });  // what each layer is: config.names

function layerName(spec) {  // HTML of a layer's name, or null for a layer named by no spec
    if (spec.sector !== undefined) {
        return '<span class="kh-dot" style="color:' + esc(spec.colour) + '">&#9679;</span> ' +
            esc(text.label(config.sectors, spec.sector)) + " (" + spec.count + ")";
    }
    if (spec.density !== undefined) { return esc(density.name()); }
    return config.strings[spec.key] ? esc(t(spec.key)) : null;
}
function renderNames() {  // Leaflet 1.9.4 (pinned) keeps the names in control._layers
    if (namedIn === text.language()) { return; }
    namedIn = text.language();
    if (control && control._layers) {
        control._layers.forEach(function (item) {
            var name = item.layer.khName ? layerName(item.layer.khName) : null;
            if (name !== null) { item.name = name; }
        });
        if (control._map) { control._update(); }
    }
    credit();
}
function credit() {  // the outline's source, in the attribution control while the outline is on the map
    var box = map.attributionControl;
    if (!box) { return; }
    if (credited !== null) { box.removeAttribution(credited); }
    credited = outline && map.hasLayer(outline) ? esc(t("attribution.outline")) : null;
    if (credited !== null) { box.addAttribution(credited); }
}
if (outline) { outline.on("add remove", credit); }
function weightText(g, carrying) {  // what the heat weighs, and how many of the parks carry it
    return g.weight === "count" ? fill(t("legend.weight.count"), {n: carrying, total: g.total})
        : fill(t("legend.weight.figure"), {figure: t(UNITS[g.weight][0]), unit: t(UNITS[g.weight][1]),
                                           n: carrying, total: g.total});
}
function legendHtml(g, carrying) {  // carrying: parks shown that carry the weight
    var html = "<h4>" + esc(text.title()) + '</h4><div class="kh-weight">' + esc(weightText(g, carrying)) + "</div>" +
        (g.ramp ? '<div class="kh-ramp"></div><div>' + esc(t("legend.ramp")) + "</div>"
                : "<div>" + esc(t("legend.density")) + "</div>") +
        '<div><span class="kh-sym" style="background:#1f77b4;border:2px solid #fff"></span>' +
        esc(t("legend.exact")) + "</div>" +
        '<div><span class="kh-sym" style="background:rgba(31,119,180,0.45);border:2px dashed #1f77b4"></span>' +
        esc(t("legend.approximate")) + "</div>" +
        '<div class="kh-note">' + esc(t("legend.schematic")) + "</div>";
    if (g.city) { html += '<div class="kh-note">' + esc(fill(t("legend.city"), {n: g.city})) + "</div>"; }
    if (!g.total) { html += '<div class="kh-note">' + esc(t("legend.empty")) + "</div>"; }
    return html;
}
filters.listen(function (drawn) {
    var box = legend ? legend.getContainer() : null;
    if (box) { box.innerHTML = legendHtml(config.legend, drawn.points.length); }
    renderNames();
});

// legends fold to their titles (and the density scale) on small screens; a click on a title toggles
var container = map.getContainer();
container.classList.toggle("kh-folded", window.matchMedia("(max-width: 700px), (max-height: 560px)").matches);
container.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".kh-legend h4, .kh-density-title")) {
        container.classList.toggle("kh-folded");
    }
});

return {};
