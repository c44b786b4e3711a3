// Module filters(config, parks, map, heat, text, markers): which parks pass the reader's filter; one pass over the
// parks (redraw) shows them, redraws the heat and tells every view that listens what is shown.
var at = text.at, n = parks.lat.length;
var state = {filter: empty(), shown: 0};
var shownNow = new Uint8Array(n), listeners = [];

function empty() {
    return {sectors: [], statuses: [], towns: [], investment: null, years: null, opportunities: false};
}
function clean(filter) {  // a filter from a reader, a link or a host: only what a filter holds, as it holds it
    var f = empty();
    filter = filter || {};
    ["sectors", "statuses", "towns"].forEach(function (k) {
        if (Array.isArray(filter[k])) { f[k] = filter[k].map(String); }
    });
    f.opportunities = filter.opportunities === true || filter.opportunities === "1";
    ["investment", "years"].forEach(function (k) {
        var r = filter[k];
        if (Array.isArray(r) && r.length === 2) {
            f[k] = r.map(function (v) { return v === null || v === "" || !isFinite(Number(v)) ? null : Number(v); });
            if (f[k][0] === null && f[k][1] === null) { f[k] = null; }
        }
    });
    return f;
}
function opportunity(i) { return at(parks.status, i) === "seeking_operator" || parks.available[i] !== null; }
function within(value, range) {
    return value !== null && (range[0] === null || value >= range[0]) && (range[1] === null || value <= range[1]);
}
function sectorChosen(chosen, key) {  // a register's own sector word (no registry entry) is under "other" too
    return chosen.indexOf(key) >= 0 || (!config.sectors[key] && chosen.indexOf("other") >= 0);
}
function passes(i) {
    var f = state.filter;
    if (f.sectors.length && !sectorChosen(f.sectors, at(parks.sector, i))) { return false; }
    if (f.statuses.length && f.statuses.indexOf(at(parks.status, i)) < 0) { return false; }
    if (f.towns.length && f.towns.indexOf(at(parks.area, i)) < 0) { return false; }
    if (f.opportunities && !opportunity(i)) { return false; }
    if (f.investment && !within(parks.investment[i], f.investment)) { return false; }
    return !f.years || within(parks.year[i], f.years);
}
function onMap(i) { return passes(i) && map.hasLayer(markers.group(i)); }
function visibleIds() {
    var ids = [];
    for (var i = 0; i < n; i++) { if (onMap(i)) { ids.push(parks.id[i]); } }
    return ids;
}
function redraw() {  // one pass gives the count, the heat and the totals by town
    var points = [], totals = {}, shown = 0;
    markers.sync(passes);  // markers (and clusters) of the parks that pass and whose sector layer is on
    for (var i = 0; i < n; i++) {
        var on = onMap(i);
        shownNow[i] = on ? 1 : 0;
        if (!on) { continue; }
        shown += 1;
        var area = at(parks.area, i), sum = totals[area] || (totals[area] = {count: 0, money: 0, carrying: 0});
        sum.count += 1;
        if (parks.investment[i] !== null) { sum.money += parks.investment[i]; sum.carrying += 1; }
        if (parks.heat[i] !== null) { points.push([parks.lat0[i], parks.lon0[i], parks.heat[i]]); }
    }
    if (heat && map.hasLayer(heat)) { heat.setLatLngs(points); }  // Leaflet.heat cannot redraw off the map;
    state.shown = shown;                                          // overlayadd redraws again
    var drawn = {points: points, totals: totals, shown: shown, on: shownNow};
    listeners.forEach(function (listener) { listener(drawn); });
}
var LISTS = {sectors: "sector", statuses: "status", towns: "town"}, RANGES = ["investment", "years"];
function allowed(kind) {  // the codes a host may name: the registry's and those of the parks on this page
    var known = kind === "sectors" ? Object.keys(config.sectors) : kind === "statuses" ? Object.keys(config.statuses)
        : Object.keys(config.places);
    return known.concat(config.present[kind].filter(function (code) { return known.indexOf(code) < 0; }));
}
function problem(filter) {  // what is wrong with a filter a host sends (null when nothing): the value and the allowed
    if (filter === null || typeof filter !== "object" || Array.isArray(filter)) {
        return "a filter is an object such as {sectors: ['food']}, not " + JSON.stringify(filter);
    }
    var keys = Object.keys(LISTS).concat(RANGES, ["opportunities"]);
    var unknown = Object.keys(filter).filter(function (k) { return keys.indexOf(k) < 0; });
    if (unknown.length) { return "unknown filter key " + unknown.join(", ") + "; allowed: " + keys.join(", "); }
    for (var kind in LISTS) {
        var value = filter[kind];
        if (value === undefined) { continue; }
        if (!Array.isArray(value)) {
            return kind + " must be a list, e.g. " + kind + ": [" + JSON.stringify(value) + "]";
        }
        var bad = value.filter(function (code) { return allowed(kind).indexOf(code) < 0; });
        if (bad.length) {
            return "unknown " + LISTS[kind] + " " + bad.join(", ") + "; allowed: " + allowed(kind).join(", ");
        }
    }
    var range = RANGES.filter(function (k) {
        var r = filter[k];
        return r !== undefined && r !== null && !(Array.isArray(r) && r.length === 2 &&
            r.every(function (v) { return v === null || (typeof v === "number" && isFinite(v)); }));
    });
    if (range.length) {
        return range[0] + " must be [min, max] (numbers or null), not " + JSON.stringify(filter[range[0]]);
    }
    if (filter.opportunities !== undefined && typeof filter.opportunities !== "boolean") {
        return "opportunities must be true or false, not " + JSON.stringify(filter.opportunities);
    }
    return null;
}
function set(filter) { state.filter = clean(filter); redraw(); }
function update(changes) {  // some parts of the filter, already clean (the panel's, playback's)
    Object.keys(changes).forEach(function (k) { state.filter[k] = changes[k]; });
    redraw();
}
map.on("overlayadd overlayremove", redraw);  // a sector or the heat switched in the layer control

return {empty: empty, clean: clean, problem: problem, passes: passes, set: set, update: update, redraw: redraw,
        listen: function (listener) { listeners.push(listener); },
        filter: function () { return state.filter; }, shown: function () { return state.shown; },
        visibleIds: visibleIds};
