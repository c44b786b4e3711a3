// Module markers(map, parks, parkLayers, text, card): one circle marker per park in its sector's layer (or,
// clustered, in one cluster group for every sector), approximate ones dashed with their uncertainty circle; shows
// the parks that pass a filter.
var at = text.at;
var groups = parkLayers.groups, cluster = parkLayers.cluster, n = parks.lat.length;
var markers = [], circles = [], inCluster = new Uint8Array(n);

function group(i) { return groups[parks.sector.codes[i]]; }  // the layer of the park's sector (payload order)
function draw(i) {
    var precision = at(parks.precision, i), colour = at(parks.colour, i), exact = precision === "exact";
    var circle = null;
    if (!exact && precision !== "city" && parks.radius[i] > 0) {
        circle = L.circle([parks.lat0[i], parks.lon0[i]], {radius: parks.radius[i], color: colour, weight: 1,
            dashArray: "2 6", fillOpacity: 0.04, interactive: false, className: "kh-uncertainty"}).addTo(group(i));
    }
    var marker = L.circleMarker([parks.lat[i], parks.lon[i]], {radius: exact ? 8 : 7,
            color: exact ? "#ffffff" : colour, weight: 2, dashArray: exact ? null : "3 3",
            fillColor: colour, fillOpacity: exact ? 0.95 : 0.45, className: "kh-park kh-precision-" + precision})
        .bindPopup(function () { return card.html(i); }, {maxWidth: 360})
        .bindTooltip(function () { return card.tooltip(i); });
    if (!cluster) { marker.addTo(group(i)); }
    marker.parkIndex = i;
    markers.push(marker);
    circles.push(circle);
}
function hold(holder, layer, on) {
    if (layer === null) { return; }
    if (on && !holder.hasLayer(layer)) { holder.addLayer(layer); }
    if (!on && holder.hasLayer(layer)) { holder.removeLayer(layer); }
}
// A park is shown when its sector layer is on and it passes the filter: without clusters the sector layer holds its
// markers; with them the cluster group holds the shown markers of every sector, so clusters count the parks shown.
function sync(passes) {
    var add = [], remove = [];
    for (var i = 0; i < n; i++) {
        var ok = passes(i);
        hold(group(i), circles[i], ok);
        if (!cluster) { hold(group(i), markers[i], ok); continue; }
        var want = ok && map.hasLayer(group(i));
        if (want !== (inCluster[i] === 1)) { (want ? add : remove).push(markers[i]); }
        inCluster[i] = want ? 1 : 0;
    }
    if (remove.length) { cluster.removeLayers(remove); }
    if (add.length) { cluster.addLayers(add); }
}
for (var i = 0; i < n; i++) { draw(i); }
if (cluster) { cluster.addTo(map); }

return {marker: function (i) { return markers[i]; }, group: group, cluster: cluster, groups: groups, sync: sync};
