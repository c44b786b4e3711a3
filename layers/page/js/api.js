// State, permalinks (URL hash), window.KunshanHeatmap, postMessage commands and events; then the page starts.
function clean(filter) {
    var f = emptyFilter();
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
function setFilter(filter) { stop(); state.filter = clean(filter); apply(); return getState(); }
function setLanguage(code) {
    if (LANGS.indexOf(code) < 0) { throw new Error("unknown language " + code + "; allowed: " + LANGS.join(", ")); }
    state.language = code;
    showLanguage();
    var selected = state.selected;  // closing the card clears it
    map.closePopup();
    apply();
    if (selected !== null) { focusPark(selected); }  // the open card again, in the new language
    return getState();
}
function showLanguage() {  // the page's own language and title (the rest is drawn by apply())
    document.documentElement.lang = state.language;
    document.title = plain(titleHtml());
}
function indexOf(id) { return d.id.indexOf(String(id)); }
function focusPark(id) {
    var i = indexOf(id);
    if (i < 0) { throw new Error("no park with id " + id); }
    var marker = parks.markers[i], group = parks.groups[at(d.sector, i)];
    if (!map.hasLayer(group)) { map.addLayer(group); }
    if (!passes(i)) { state.filter = emptyFilter(); apply(); }
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13), {animate: false});
    if (map.hasLayer(marker)) { marker.openPopup(); }
    else if (parks.cluster) { parks.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
    return getState();
}
function view() {
    var c = map.getCenter();
    return {lat: Number(c.lat.toFixed(5)), lon: Number(c.lng.toFixed(5)), zoom: map.getZoom()};
}
function getState() {
    return {language: state.language, filter: JSON.parse(JSON.stringify(state.filter)),
            visibleParks: visibleIds(), selected: state.selected, view: view(), hash: location.hash};
}
function summary() {  // what a host hears of each change: the state without the (long) list of park ids
    return {language: state.language, filter: JSON.parse(JSON.stringify(state.filter)), visibleCount: state.shown,
            selected: state.selected, view: view(), hash: location.hash};
}
function announce(name, detail) {  // to the host page (postMessage) and to scripts of this page (DOM event)
    if (window.parent !== window) {
        window.parent.postMessage(Object.assign({type: "kunshan-heatmap", event: name}, detail), "*");
    }
    window.dispatchEvent(new CustomEvent("kunshan-heatmap:" + name, {detail: detail}));
}
map.on("popupopen", function (event) {
    var i = event.popup._source ? event.popup._source.parkIndex : undefined;
    if (i === undefined) { return; }
    state.selected = d.id[i];
    writeHash();
    announce("parkSelected", {park: {id: d.id[i], name: at(d.name, i), name_en: at(d.name_en, i)}});
});
map.on("popupclose", function () { state.selected = null; writeHash(); });
map.on("moveend overlayadd overlayremove", function (event) {
    if (event.type === "moveend") { writeHash(); } else { apply(); }
});
document.addEventListener("click", function (event) {
    var share = event.target.closest && event.target.closest("a.kh-share");
    if (!share) { return; }
    event.preventDefault();
    writeHash();
    var link = location.href;
    share.setAttribute("data-link", link);
    function byHand() {  // no clipboard (a sandboxed frame, a file page): the link, selected, to copy by hand
        var box = document.createElement("input");
        box.className = "kh-share-link";
        box.readOnly = true;
        box.value = link;
        box.title = t("card.copy_by_hand");
        share.textContent = t("card.copy_by_hand");
        share.parentNode.insertBefore(box, share.nextSibling);
        box.select();
    }
    var shown = share.parentNode.querySelector(".kh-share-link");
    if (shown) { shown.value = link; shown.select(); return; }
    if (!navigator.clipboard || !navigator.clipboard.writeText) { byHand(); return; }
    navigator.clipboard.writeText(link).then(function () { share.textContent = t("card.copied"); }, byHand);
});

var writing = false, ready = false;
function writeHash() {
    var f = state.filter, parts = ["lang=" + state.language];
    ["sectors", "statuses", "towns"].forEach(function (k) {
        if (f[k].length) { parts.push(k + "=" + f[k].map(encodeURIComponent).join(",")); }
    });
    ["investment", "years"].forEach(function (k) {
        if (f[k]) { parts.push(k + "=" + f[k].map(function (v) { return v === null ? "" : v; }).join(",")); }
    });
    if (f.opportunities) { parts.push("opportunities=1"); }
    if (state.selected !== null) { parts.push("park=" + encodeURIComponent(state.selected)); }
    var v = view();
    parts.push("view=" + v.lat.toFixed(5) + "," + v.lon.toFixed(5) + "," + v.zoom);
    var hash = "#" + parts.join("&");
    if (location.hash !== hash) {
        writing = true;
        history.replaceState(null, "", hash);
        writing = false;
        if (ready) { announce("stateChanged", {state: summary()}); }
    }
}
function readHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
        var at_ = part.indexOf("=");
        if (at_ > 0) { params[part.slice(0, at_)] = decodeURIComponent(part.slice(at_ + 1)); }
    });
    var filter = {};
    ["sectors", "statuses", "towns"].forEach(function (k) {
        if (params[k]) { filter[k] = params[k].split(",").map(decodeURIComponent); }
    });
    ["investment", "years"].forEach(function (k) { if (params[k]) { filter[k] = params[k].split(","); } });
    if (params.opportunities) { filter.opportunities = params.opportunities; }
    if (params.lang && LANGS.indexOf(params.lang) >= 0) { state.language = params.lang; }
    showLanguage();
    state.filter = clean(filter);
    apply();
    if (params.park && indexOf(params.park) >= 0) { focusPark(params.park); }
    if (params.view) {  // after the park, so the view is the one that was shared
        var v = params.view.split(",").map(Number);
        if (v.length === 3 && v.every(isFinite)) { map.setView([v[0], v[1]], v[2], {animate: false}); }
    }
}
window.addEventListener("hashchange", function () { if (!writing) { readHash(); } });

var api = {setFilter: setFilter, setLanguage: setLanguage, focusPark: focusPark, getState: getState,
           resetFilter: function () { return setFilter({}); }, search: search, languages: LANGS.slice()};
window.KunshanHeatmap = api;
window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "kunshan-heatmap" || !data.command) { return; }
    var reply = {type: "kunshan-heatmap", id: data.id === undefined ? null : data.id, command: data.command};
    try {
        if (["setFilter", "setLanguage", "focusPark", "getState", "resetFilter", "search"]
                .indexOf(data.command) < 0) {
            throw new Error("unknown command " + data.command);
        }
        reply.state = api[data.command].apply(null, data.args || []);
    } catch (error) {
        reply.error = String(error.message || error);
    }
    if (event.source && event.source.postMessage) { event.source.postMessage(reply, event.origin === "null" ? "*" : event.origin); }
});

readHash();
ready = true;
announce("ready", {state: summary()});  // a host may send commands from now on
