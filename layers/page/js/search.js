// Module search(parks, map, text, markers, filters): parks found by name in any language (or id), and a park's
// card opened from the search, a link or a host page.
var at = text.at, n = parks.lat.length, searchable = [];
for (var i = 0; i < n; i++) {
    searchable.push([at(parks.name, i), at(parks.name_en, i), at(parks.name_hant, i), parks.id[i]]
        .filter(function (v) { return v !== null; }).join(" \u0000 ").toLowerCase());
}

function find(query) {  // ids of the parks whose names contain the query, ignoring case
    var q = String(query || "").trim().toLowerCase(), found = [];
    if (!q) { return found; }
    for (var k = 0; k < n; k++) { if (searchable[k].indexOf(q) >= 0) { found.push(parks.id[k]); } }
    return found;
}
function indexOf(id) { return parks.id.indexOf(String(id)); }
function focus(id) {  // its sector shown, the filter cleared if it hides the park, the map on it, its card open
    var k = indexOf(id);
    if (k < 0) { throw new Error("no park with id " + id); }
    var marker = markers.marker(k), group = markers.group(k);
    if (!map.hasLayer(group)) { map.addLayer(group); }
    if (!filters.passes(k)) { filters.set({}); }
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13), {animate: false});
    if (map.hasLayer(marker)) { marker.openPopup(); }
    else if (markers.cluster) { markers.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
}
function resultsHtml(query) {  // the first matches as buttons, or a line saying there is none
    if (!String(query || "").trim()) { return ""; }
    var found = find(query).slice(0, 8);
    return found.length ? found.map(function (id) {
        return '<button type="button" class="kh-result" data-kind="result" data-park="' + text.esc(id) + '">' +
            text.esc(text.parkName(indexOf(id))) + "</button>";
    }).join("") : '<div class="kh-none">' + text.esc(text.t("search.none")) + "</div>";
}

return {find: find, focus: focus, indexOf: indexOf, resultsHtml: resultsHtml};
