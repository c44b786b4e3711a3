// Module api(parks, map, text, filters, search, time): permalinks (the URL hash), window.KunshanHeatmap, the
// postMessage commands and the events a host page hears; start() reads the link and tells the host the page is ready.
var state = {selected: null, writing: false, ready: false};
var COMMANDS = ["setFilter", "setLanguage", "focusPark", "getState", "resetFilter", "search"];

function view() {
    var c = map.getCenter();
    return {lat: Number(c.lat.toFixed(5)), lon: Number(c.lng.toFixed(5)), zoom: map.getZoom()};
}
function getState() {
    return {language: text.language(), filter: JSON.parse(JSON.stringify(filters.filter())),
            visibleParks: filters.visibleIds(), selected: state.selected, view: view(), hash: location.hash};
}
function summary() {  // what a host hears of each change: the state without the (long) list of park ids
    return {language: text.language(), filter: JSON.parse(JSON.stringify(filters.filter())),
            visibleCount: filters.shown(), selected: state.selected, view: view(), hash: location.hash};
}
function announce(name, detail) {  // to the host page (postMessage) and to scripts of this page (DOM event)
    if (window.parent !== window) {
        window.parent.postMessage(Object.assign({type: "kunshan-heatmap", event: name}, detail), "*");
    }
    window.dispatchEvent(new CustomEvent("kunshan-heatmap:" + name, {detail: detail}));
}
function setFilter(filter) { time.stop(); filters.set(filter); return getState(); }
function setLanguage(code) {
    text.use(code);
    var selected = state.selected;  // closing the card clears it
    map.closePopup();
    filters.redraw();
    if (selected !== null) { search.focus(selected); }  // the open card again, in the new language
    return getState();
}
function focusPark(id) { search.focus(id); return getState(); }
function hashOf(f) {
    var parts = ["lang=" + text.language()];
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
    return "#" + parts.join("&");
}
function writeHash() {
    var hash = hashOf(filters.filter());
    if (location.hash === hash) { return; }
    state.writing = true;
    history.replaceState(null, "", hash);
    state.writing = false;
    if (state.ready) { announce("stateChanged", {state: summary()}); }
}
function readHash() {
    var params = {}, filter = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
        var at = part.indexOf("=");
        if (at > 0) { params[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); }
    });
    ["sectors", "statuses", "towns"].forEach(function (k) {
        if (params[k]) { filter[k] = params[k].split(",").map(decodeURIComponent); }
    });
    ["investment", "years"].forEach(function (k) { if (params[k]) { filter[k] = params[k].split(","); } });
    if (params.opportunities) { filter.opportunities = params.opportunities; }
    text.use(params.lang && text.languages().indexOf(params.lang) >= 0 ? params.lang : text.language());
    filters.set(filter);
    if (params.park && search.indexOf(params.park) >= 0) { search.focus(params.park); }
    if (params.view) {  // after the park, so the view is the one that was shared
        var v = params.view.split(",").map(Number);
        if (v.length === 3 && v.every(isFinite)) { map.setView([v[0], v[1]], v[2], {animate: false}); }
    }
}
function share(event) {  // a card's "copy link": the page's link, to the clipboard or, where it is refused, by hand
    var link = event.target.closest && event.target.closest("a.kh-share");
    if (!link) { return; }
    event.preventDefault();
    writeHash();
    var href = location.href, shown = link.parentNode.querySelector(".kh-share-link");
    link.setAttribute("data-link", href);
    function byHand() {  // no clipboard (a sandboxed frame, a file page): the link, selected, to copy by hand
        var box = document.createElement("input");
        box.className = "kh-share-link";
        box.readOnly = true;
        box.value = href;
        box.title = text.t("card.copy_by_hand");
        link.textContent = text.t("card.copy_by_hand");
        link.parentNode.insertBefore(box, link.nextSibling);
        box.select();
    }
    if (shown) { shown.value = href; shown.select(); return; }
    if (!navigator.clipboard || !navigator.clipboard.writeText) { byHand(); return; }
    navigator.clipboard.writeText(href).then(function () { link.textContent = text.t("card.copied"); }, byHand);
}
var api = {setFilter: setFilter, setLanguage: setLanguage, focusPark: focusPark, getState: getState,
           resetFilter: function () { return setFilter({}); }, search: search.find, languages: text.languages()};
function command(event) {  // a host's command, answered to its sender
    var data = event.data;
    if (!data || data.type !== "kunshan-heatmap" || !data.command) { return; }
    var reply = {type: "kunshan-heatmap", id: data.id === undefined ? null : data.id, command: data.command};
    try {
        if (COMMANDS.indexOf(data.command) < 0) { throw new Error("unknown command " + data.command); }
        reply.state = api[data.command].apply(null, data.args || []);
    } catch (error) {
        reply.error = String(error.message || error);
    }
    if (event.source && event.source.postMessage) {
        event.source.postMessage(reply, event.origin === "null" ? "*" : event.origin);
    }
}
map.on("popupopen", function (event) {
    var i = event.popup._source ? event.popup._source.parkIndex : undefined;
    if (i === undefined) { return; }
    state.selected = parks.id[i];
    writeHash();
    announce("parkSelected", {park: {id: parks.id[i], name: text.at(parks.name, i),  // as the register gives them
                                     name_en: text.at(parks.name_en, i)}});
});
map.on("popupclose", function () { state.selected = null; writeHash(); });
map.on("moveend", writeHash);
filters.listen(writeHash);
document.addEventListener("click", share);
window.addEventListener("hashchange", function () { if (!state.writing) { readHash(); } });
function start() {
    window.KunshanHeatmap = api;
    window.addEventListener("message", command);
    readHash();
    state.ready = true;
    announce("ready", {state: summary()});  // a host may send commands from now on
}

return {setFilter: setFilter, setLanguage: setLanguage, focusPark: focusPark, start: start};
