// Module api(parks, map, text, filters, search, time, ui): permalinks (the URL hash), window.KunshanHeatmap, the
// postMessage commands and the events a host page hears; start() reads the link and tells the host the page is ready.
var state = {selected: null, writing: false, ready: false, hash: location.hash, history: true, shareBase: null};
var COMMANDS = ["setFilter", "updateFilter", "setLanguage", "focusPark", "getState", "resetFilter", "search",
                "setShareBase", "openLink", "setUi"];

function view() {
    var c = map.getCenter();
    return {lat: Number(c.lat.toFixed(5)), lon: Number(c.lng.toFixed(5)), zoom: map.getZoom()};
}
function getState() {
    return {language: text.language(), filter: JSON.parse(JSON.stringify(filters.filter())),
            visibleParks: filters.visibleIds(), selected: state.selected, view: view(), hash: state.hash,
            link: shareLink(), ui: JSON.parse(JSON.stringify(ui.get()))};
}
function summary() {  // what a host hears of each change: the state without the (long) list of park ids
    return {language: text.language(), filter: JSON.parse(JSON.stringify(filters.filter())),
            visibleCount: filters.shown(), selected: state.selected, view: view(), hash: state.hash};
}
function announce(name, detail) {  // to the host page (postMessage) and to scripts of this page (DOM event)
    if (window.parent !== window) {
        window.parent.postMessage(Object.assign({type: "kunshan-heatmap", event: name}, detail), "*");
    }
    window.dispatchEvent(new CustomEvent("kunshan-heatmap:" + name, {detail: detail}));
}
function checked(filter) {  // a host's filter, or an error naming the bad value and the allowed ones
    var problem = filters.problem(filter);
    if (problem !== null) { throw new Error(problem); }
    return filter;
}
function setFilter(filter) {  // replaces the whole filter (what it leaves out is cleared)
    time.stop();
    filters.set(checked(filter === undefined ? {} : filter));
    return getState();
}
function updateFilter(changes) {  // merges: only the keys given change
    time.stop();
    var merged = Object.assign(JSON.parse(JSON.stringify(filters.filter())), checked(changes));
    filters.set(merged);
    return getState();
}
function setLanguage(code) {
    text.use(code);
    var selected = state.selected;  // closing the card clears it
    map.closePopup();
    filters.redraw();
    if (selected !== null) { search.focus(selected); }  // the open card again, in the new language
    return getState();
}
function focusPark(id) {  // opens the park's card; a filter hiding the park is cleared, and the reply says so
    var k = search.indexOf(id), hidden = k >= 0 && !filters.passes(k);
    search.focus(id);
    return Object.assign(getState(), {filterCleared: hidden});
}
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
function writeHash() {  // the state into the URL hash; where a frame has no history (about:srcdoc in a notebook,
    var hash = hashOf(filters.filter());  // about:blank), the state stays in memory and links carry it all the same
    if (state.hash === hash) { return; }
    state.hash = hash;
    if (state.history && location.hash !== hash) {
        state.writing = true;
        try { history.replaceState(null, "", hash); } catch (error) { state.history = false; }
        state.writing = false;
    }
    if (state.ready) { announce("stateChanged", {state: summary()}); }
}
function decoded(value) {  // one URI component, or null when it is malformed (a link cut or typed by hand)
    try { return decodeURIComponent(value); } catch (error) { return null; }
}
function hashParams(hash) {  // key -> raw (still encoded) value of a state hash (#lang=...&park=...)
    var params = {};
    hash.replace(/^#/, "").split("&").forEach(function (part) {
        var at = part.indexOf("=");
        if (at > 0) { params[part.slice(0, at)] = part.slice(at + 1); }
    });
    return params;
}
function validView(v) {  // [lat, lon, zoom] a map can show
    return v.length === 3 && v.every(isFinite) && Math.abs(v[0]) <= 90 && Math.abs(v[1]) <= 180 &&
        v[2] >= 0 && v[2] <= 22;
}
function linkUi(params) {  // a link's accent, font, panels, folded; the names of those it could not use
    var given = {}, dropped = [];
    if (params.accent !== undefined) { given.accent = decoded(params.accent); }
    if (params.font !== undefined) { given.font = decoded(params.font); }
    if (params.panels !== undefined) { given.panels = params.panels.split(",").map(decoded); }
    if (params.folded !== undefined) { given.folded = params.folded === "1"; }
    Object.keys(given).forEach(function (key) {
        var one = {};
        one[key] = given[key];
        if (ui.problem(one) === null) { ui.set(one); } else { dropped.push(key); }
    });
    return dropped;
}
function setUi(changes) { ui.set(changes); return getState(); }  // accent, font, panels, folded (merged)
function readHash(hash) {  // the state a link carries; what is malformed in it is left out, with a console warning
    var params = hashParams(hash === undefined ? location.hash : hash), filter = {}, dropped = [];
    ["sectors", "statuses", "towns"].forEach(function (k) {
        if (params[k]) { filter[k] = params[k].split(",").map(decoded).filter(function (v) { return v !== null; }); }
    });
    ["investment", "years"].forEach(function (k) { if (params[k]) { filter[k] = params[k].split(","); } });
    if (params.opportunities) { filter.opportunities = params.opportunities; }
    var lang = decoded(params.lang || "");
    text.use(lang && text.languages().indexOf(lang) >= 0 ? lang : text.language());
    filters.set(filter);
    var park = params.park === undefined ? null : decoded(params.park);
    if (park !== null && search.indexOf(park) >= 0) { search.focus(park); }
    else if (params.park !== undefined) { dropped.push("park"); }
    if (params.view) {  // after the park, so the view is the one that was shared
        var v = params.view.split(",").map(Number);
        if (validView(v)) { map.setView([v[0], v[1]], v[2], {animate: false}); } else { dropped.push("view"); }
    }
    dropped = dropped.concat(linkUi(params));
    if (dropped.length) { console.warn("kunshan-heatmap: ignored what the link's " + dropped.join(", ") + " holds"); }
}
function shareLink() {  // the host's base (setShareBase) or the page's address, with the state; a page without an
    var base = state.shareBase !== null ? state.shareBase  // address (a notebook frame) gives the state alone
        : /^(https?|file):$/.test(location.protocol) ? location.href.split("#")[0] : "";
    return base + state.hash;
}
function setShareBase(url) {  // links ("copy link", getState().link) start with the host's address instead
    if (url !== null && !(typeof url === "string" && /^https?:\/\/[^\s#]+$/.test(url))) {
        throw new Error("setShareBase needs an http(s) URL without #, or null; not " + JSON.stringify(url));
    }
    state.shareBase = url;
    return getState();
}
function openLink(hash) {  // the state of a link the host was opened with (its own #lang=...&park=...)
    if (typeof hash !== "string") {
        throw new Error("openLink needs the link's #... text, not " + JSON.stringify(hash));
    }
    readHash(hash);
    writeHash();
    return getState();
}
function share(event) {  // a card's "copy link": the page's link, to the clipboard or, where it is refused, by hand
    var link = event.target.closest && event.target.closest("a.kh-share");
    if (!link) { return; }
    event.preventDefault();
    writeHash();
    var href = shareLink(), shown = link.parentNode.querySelector(".kh-share-link");
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
var api = {setFilter: setFilter, updateFilter: updateFilter, setLanguage: setLanguage, focusPark: focusPark,
           getState: getState, resetFilter: function () { return setFilter({}); }, search: search.find,
           setShareBase: setShareBase, openLink: openLink, setUi: setUi, languages: text.languages()};
function command(event) {  // a host's command, answered to its sender
    var data = event.data;
    if (!data || data.type !== "kunshan-heatmap" || !data.command) { return; }
    // One reply shape for every command: {type, id, command, ok, state, result, error}: state is the map's state
    // after the command (also after an error), result what the command gives besides (search: the ids found;
    // focusPark: {filterCleared}), error the message when ok is false.
    var reply = {type: "kunshan-heatmap", id: data.id === undefined ? null : data.id, command: data.command,
                 ok: true, result: null};
    try {
        if (COMMANDS.indexOf(String(data.command)) < 0) {
            throw new Error("unknown command " + data.command + "; allowed: " + COMMANDS.join(", "));
        }
        if (data.args !== undefined && !Array.isArray(data.args)) { throw new Error("args must be a list"); }
        var out = api[data.command].apply(null, data.args || []);
        if (data.command === "search") { reply.result = out; }
        if (data.command === "focusPark") { reply.result = {filterCleared: out.filterCleared}; }
    } catch (error) {
        reply.ok = false;
        reply.error = String(error.message || error);
    }
    reply.state = getState();
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
