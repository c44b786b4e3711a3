// Filters: which parks pass; one pass over the parks redraws markers, heat, town totals, legends and panel.
function passes(i) {
    var f = state.filter;
    if (f.sectors.length && f.sectors.indexOf(at(d.sector, i)) < 0) { return false; }
    if (f.statuses.length && f.statuses.indexOf(at(d.status, i)) < 0) { return false; }
    if (f.towns.length && f.towns.indexOf(at(d.area, i)) < 0) { return false; }
    if (f.opportunities && !opportunity(i)) { return false; }
    if (f.investment) {
        var v = d.investment[i];
        if (v === null || (f.investment[0] !== null && v < f.investment[0]) ||
            (f.investment[1] !== null && v > f.investment[1])) { return false; }
    }
    if (f.years) {
        var y = d.year[i];
        if (y === null || (f.years[0] !== null && y < f.years[0]) || (f.years[1] !== null && y > f.years[1])) {
            return false;
        }
    }
    return true;
}
parks.passes = passes;
function visibleIds() {
    var ids = [];
    for (var i = 0; i < n; i++) {
        if (passes(i) && map.hasLayer(parks.groups[at(d.sector, i)])) { ids.push(d.id[i]); }
    }
    return ids;
}
var shownNow = new Uint8Array(n);
function apply() {
    var points = [], shown = 0, totals = {};
    parks.sync();  // markers (and clusters) of the parks that pass and whose sector layer is on
    for (var i = 0; i < n; i++) {
        var on = passes(i) && map.hasLayer(parks.groups[at(d.sector, i)]);
        shownNow[i] = on ? 1 : 0;
        if (on) {  // one pass gives the count, the heat and the town totals
            shown += 1;
            var area = at(d.area, i), sum = totals[area] || (totals[area] = {count: 0, money: 0, carrying: 0});
            sum.count += 1;
            if (d.investment[i] !== null) { sum.money += d.investment[i]; sum.carrying += 1; }
        }
        if (on && d.heat[i] !== null) { points.push([d.lat0[i], d.lon0[i], d.heat[i]]); }
    }
    if (heat && map.hasLayer(heat)) { heat.setLatLngs(points); }  // Leaflet.heat cannot redraw off the map;
                                                                 // overlayadd runs apply() again
    updateAreas(totals);
    updateDensity(points.length);
    renderLegend(points.length);
    renderLayerNames();
    state.shown = shown;
    panel.render(shown, totals);
    writeHash();
}
function updateAreas(totals) {
    if (!areas) { return; }
    areas.eachLayer(function (layer) {
        var name = layer.feature.properties.name, sum = totals[name] || {count: 0, money: 0, carrying: 0};
        var html = "<b>" + esc(place(name)) + "</b> <i>(" + esc(t("area.schematic")) + ")</i><br>" +
            esc(t("area.parks")) + ": " + sum.count;
        if (sum.carrying) { html += "<br>" + esc(t("field.investment")) + ": " + esc(figure(sum.money, "money")) +
                                    " (" + sum.carrying + ")"; }
        layer.setTooltipContent(html);
    });
}
