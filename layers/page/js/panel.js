// Module panel(config, parks, map, text, card, filters, search, time, programme, api, ui): the panel: title, search,
// time, language, filters, the count, totals by town and the programme (the parts ui shows), drawn anew on every
// change; it folds to its title (a button), starts folded on small frames and folds there when a card opens.
var esc = text.esc, t = text.t, n = parks.lat.length;
var panel = L.control({position: "topleft"}), opened = {};

function typedYi() { return text.format().typed_yi; }  // 亿元 per unit typed (English readers type CNY billion)
function onChange(event) {
    var target = event.target, kind = target.getAttribute("data-kind");
    if (kind === "language") { api.setLanguage(target.value); return; }
    if (kind === "year") { time.choose(Number(target.value)); return; }
    var changes = {};
    if (kind === "sectors" || kind === "statuses" || kind === "towns") {
        var list = filters.filter()[kind].filter(function (code) { return code !== target.value; });
        changes[kind] = target.checked ? list.concat([target.value]) : list;
    }
    if (kind === "opportunities") { changes.opportunities = target.checked; }
    if (kind === "investment") {
        var low = panel._div.querySelector("[data-kind=investment][data-end=min]").value;
        var high = panel._div.querySelector("[data-kind=investment][data-end=max]").value;
        changes.investment = (low === "" && high === "") ? null
            : [low === "" ? null : Number(low) * typedYi(), high === "" ? null : Number(high) * typedYi()];
    }
    if (Object.keys(changes).length) { filters.update(changes); }
}
function fold(folded) {  // the panel to its title bar, or open again
    panel._div.classList.toggle("kh-panel-folded", folded);
    var button = panel._div.querySelector("[data-kind=fold]");
    if (button) { button.setAttribute("aria-expanded", String(!folded)); }
}
function folded() { return panel._div.classList.contains("kh-panel-folded"); }
function onClick(event) {
    var kind = event.target.getAttribute("data-kind");
    if (kind === "fold") { fold(!folded()); }
    if (kind === "reset") { api.setFilter({}); }
    if (kind === "play") { time.play(); }
    if (kind === "result") { search.focus(event.target.getAttribute("data-park")); }
}
function onKey(event) {  // Enter opens the first match
    if (event.key !== "Enter" || event.target.getAttribute("data-kind") !== "search") { return; }
    var found = search.find(event.target.value);
    if (found.length) { search.focus(found[0]); }
}
function showResults(query) { panel._div.querySelector(".kh-results").innerHTML = search.resultsHtml(query); }
panel.onAdd = function () {
    var div = L.DomUtil.create("div", "kh-panel");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.addEventListener("change", onChange);
    div.addEventListener("click", onClick);
    div.addEventListener("keydown", onKey);
    div.addEventListener("input", function (event) {
        if (event.target.getAttribute("data-kind") === "search") { showResults(event.target.value); }
    });
    this._div = div;
    this._title = L.DomUtil.create("button", "kh-panel-title", div);  // folds and unfolds the panel
    this._title.type = "button";
    this._title.setAttribute("data-kind", "fold");
    this._title.setAttribute("aria-expanded", "true");
    this._body = L.DomUtil.create("div", "kh-panel-body", div);  // drawn anew on each change
    this._live = L.DomUtil.create("div", "kh-live", div);  // stays: screen readers hear the count change
    this._live.setAttribute("role", "status");
    this._live.setAttribute("aria-live", "polite");
    div.setAttribute("role", "region");
    return div;
};
function focusKey(element) {  // a selector that finds the same control after the panel is drawn anew
    var kind = element.getAttribute("data-kind");
    if (!kind) { return null; }
    return '[data-kind="' + kind + '"]' +
        (element.type === "checkbox" && kind !== "opportunities" ? '[value="' + CSS.escape(element.value) + '"]' : "") +
        (element.getAttribute("data-end") ? '[data-end="' + element.getAttribute("data-end") + '"]' : "");
}
function totalsHtml(totals) {  // the parks shown per town or zone, most parks first; the unplaced ones last
    var names = Object.keys(totals).sort(function (a, b) {
        return (a === "null") - (b === "null") || totals[b].count - totals[a].count || (a < b ? -1 : a > b ? 1 : 0);
    });
    if (!names.length) { return ""; }
    return '<details class="kh-totals"><summary>' + esc(t("totals.title")) + "</summary><table><tr><th>" +
        esc(t("filter.town")) + "</th><th>" + esc(t("area.parks")) + "</th><th>" + esc(t("field.investment")) +
        "</th></tr>" + names.map(function (name) {
            var sum = totals[name], town = name === "null" ? t("totals.unplaced") : text.place(name);
            return "<tr><td>" + esc(town) + "</td><td>" + sum.count + "</td><td>" +
                (sum.carrying ? esc(text.fill(t("programme.amount"), {amount: text.figure(sum.money, "money"),
                                                                       carrying: sum.carrying})) : "–") + "</td></tr>";
        }).join("") + "</table></details>";
}
function options(kind, codes, name, badge) {  // a ticked box per code
    var chosen = filters.filter()[kind];
    return codes.map(function (code) {
        return '<label><input type="checkbox" data-kind="' + kind + '" value="' + esc(code) + '"' +
            (chosen.indexOf(code) >= 0 ? " checked" : "") + "> " + (badge ? badge(code) : "") + esc(name(code)) +
            "</label>";
    }).join("");
}
function languageHtml() {
    return '<label class="kh-language">' + esc(t("language")) + ' <select data-kind="language">' +
        text.languages().map(function (code) {
            return '<option value="' + esc(code) + '"' + (code === text.language() ? " selected" : "") + ">" +
                esc(config.languages[code]) + "</option>";
        }).join("") + "</select></label>";
}
function investmentHtml() {  // the range, in the unit the reader types
    var range = (filters.filter().investment || [null, null]).map(function (v) {
        return v === null ? "" : Number((v / typedYi()).toPrecision(12));
    });
    return ["min", "max"].map(function (end, k) {
        return '<input type="number" min="0" step="any" data-kind="investment" data-end="' + end + '" placeholder="' +
            esc(t("filter." + end)) + '" aria-label="' + esc(t("filter.investment") + " " + t("filter." + end)) +
            '" value="' + esc(range[k]) + '">';
    }).join(" – ");
}
function filterHtml() {
    var f = filters.filter(), present = config.present;
    function fieldset(key, body) { return "<fieldset><legend>" + esc(t(key)) + "</legend>" + body + "</fieldset>"; }
    return '<details class="kh-filter"><summary>' + esc(t("filter.title")) + "</summary>" +
        '<label><input type="checkbox" data-kind="opportunities"' + (f.opportunities ? " checked" : "") + "> " +
        esc(t("filter.opportunities")) + "</label>" +
        fieldset("filter.sector", options("sectors", present.sectors,
                                          function (c) { return text.label(config.sectors, c); })) +
        fieldset("filter.status", options("statuses", present.statuses,
                                          function (c) { return text.label(config.statuses, c); }, card.badge)) +
        fieldset("filter.town", options("towns", present.towns, text.place)) +
        fieldset("filter.investment", investmentHtml()) +
        '<button type="button" data-kind="reset">' + esc(t("filter.reset")) + "</button></details>";
}
function searchHtml() {
    return '<input type="search" class="kh-search" data-kind="search" placeholder="' + esc(t("search.placeholder")) +
        '" aria-label="' + esc(t("search.placeholder")) + '"><div class="kh-results"></div>';
}
function render(drawn) {
    var div = panel._body, active = document.activeElement;
    var refocus = active && div.contains(active) ? focusKey(active) : null;
    var typed = div.querySelector(".kh-search") ? div.querySelector(".kh-search").value : "";
    var count = text.fill(t("filter.count"), {n: drawn.shown, total: n});
    var parts = {search: searchHtml, time: time.html, language: languageHtml, filters: filterHtml,
                 count: function () { return '<div class="kh-count">' + esc(count) + "</div>"; },
                 towns: function () { return totalsHtml(drawn.totals); }, programme: programme.html};
    panel._title.innerHTML = esc(text.title());
    panel._title.setAttribute("aria-label", t("panel.fold"));
    div.innerHTML = ui.get().panels.map(function (part) { return parts[part] ? parts[part]() : ""; }).join("");
    if (panel._live.textContent !== count) { panel._live.textContent = count; }
    panel._div.setAttribute("aria-label", text.title());
    Array.prototype.forEach.call(div.querySelectorAll("details"), function (box) {
        if (opened[box.className]) { box.open = true; }
        box.addEventListener("toggle", function (e) { opened[e.target.className] = e.target.open; });
    });
    if (typed) { div.querySelector(".kh-search").value = typed; showResults(typed); }
    if (refocus && div.querySelector(refocus)) { div.querySelector(refocus).focus(); }  // keyboard users stay put
}
panel.addTo(map);
filters.listen(render);
var last = null;
filters.listen(function (drawn) { last = drawn; });
ui.listen(function (current) {  // a new ui from the host or a link: the parts drawn again, the folding as asked
    if (last) { render(last); }
    if (current.folded !== null) { fold(current.folded); }
});
fold(ui.get().folded === null ? ui.small() : ui.get().folded);
map.on("popupopen", function () { if (ui.small() && ui.get().folded !== false) { fold(true); } });

return {};
