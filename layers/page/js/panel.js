// The panel: search, time, language, filters, count, totals by town, programme.
var panel = L.control({position: "topleft"});
panel.onAdd = function () {
    var div = L.DomUtil.create("div", "kh-panel");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.addEventListener("change", function (event) {
        var target = event.target, kind = target.getAttribute("data-kind");
        if (kind === "language") { setLanguage(target.value); return; }
        if (kind === "search") { return; }
        if (kind === "year") {
            stop();
            var year = Number(target.value);
            state.filter.years = year >= cfg.years[1] ? null : [null, year];
            apply();
            return;
        }
        var f = state.filter;
        if (kind === "sectors" || kind === "statuses" || kind === "towns") {
            var list = f[kind], value = target.value, at_ = list.indexOf(value);
            if (target.checked && at_ < 0) { list.push(value); }
            if (!target.checked && at_ >= 0) { list.splice(at_, 1); }
        }
        if (kind === "opportunities") { f.opportunities = target.checked; }
        if (kind === "investment") {
            var low = div.querySelector("[data-kind=investment][data-end=min]").value;
            var high = div.querySelector("[data-kind=investment][data-end=max]").value;
            var typed = typedYi();
            f.investment = (low === "" && high === "") ? null
                : [low === "" ? null : Number(low) * typed, high === "" ? null : Number(high) * typed];
        }
        apply();
    });
    div.addEventListener("click", function (event) {
        var kind = event.target.getAttribute("data-kind");
        if (kind === "reset") { setFilter({}); }
        if (kind === "play") { play(); }
        if (kind === "result") { focusPark(event.target.getAttribute("data-park")); }
    });
    div.addEventListener("input", function (event) {
        if (event.target.getAttribute("data-kind") === "search") { showResults(event.target.value); }
    });
    div.addEventListener("keydown", function (event) {  // Enter opens the first match
        if (event.key !== "Enter" || event.target.getAttribute("data-kind") !== "search") { return; }
        var found = search(event.target.value);
        if (found.length) { focusPark(found[0]); }
    });
    this._div = div;
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
            var sum = totals[name], town = name === "null" ? t("totals.unplaced") : place(name);
            return "<tr><td>" + esc(town) + "</td><td>" + sum.count + "</td><td>" +
                (sum.carrying ? esc(fill(t("programme.amount"), {amount: figure(sum.money, "money"),
                                                                  carrying: sum.carrying})) : "–") + "</td></tr>";
        }).join("") + "</table></details>";
}
function typedYi() { return format().typed_yi; }  // 亿元 per unit typed (English readers type CNY billion)
panel.render = function (shown, totals) {
    var div = this._body, f = state.filter, active = document.activeElement;
    var refocus = active && div.contains(active) ? focusKey(active) : null;
    var typed = div.querySelector(".kh-search") ? div.querySelector(".kh-search").value : "";
    var count = fill(t("filter.count"), {n: shown, total: n});
    function options(kind, codes, name, badge) {
        return codes.map(function (code) {
            return '<label><input type="checkbox" data-kind="' + kind + '" value="' + esc(code) + '"' +
                (f[kind].indexOf(code) >= 0 ? " checked" : "") + "> " + (badge ? badge(code) : "") +
                esc(name(code)) + "</label>";
        }).join("");
    }
    var languages = LANGS.map(function (code) {
        return '<option value="' + code + '"' + (code === state.language ? " selected" : "") + ">" +
            esc(cfg.languages[code]) + "</option>";
    }).join("");
    var inv = (f.investment || [null, null]).map(function (v) {  // in the unit the reader types
        return v === null ? null : Number((v / typedYi()).toPrecision(12));
    });
    var years = cfg.years, upto = f.years && f.years[1] !== null ? f.years[1] : (years ? years[1] : null);
    var time = !years ? "" :
        '<div class="kh-time"><span>' + esc(t("time.title")) + "</span> " +
        '<input type="range" data-kind="year" aria-label="' + esc(t("time.title")) + '" min="' + years[0] +
        '" max="' + years[1] + '" step="1" value="' +
        upto + '"> <span class="kh-year">' + esc(f.years ? t("time.upto").replace("{year}", upto)
                                                            : t("time.all")) + "</span> " +
        '<button type="button" data-kind="play" aria-pressed="' + (playing ? "true" : "false") + '">' +
        esc(t(playing ? "time.pause" : "time.play")) + "</button></div>";
    div.innerHTML =
        '<div class="kh-panel-title">' + titleHtml() + "</div>" +
        '<input type="search" class="kh-search" data-kind="search" placeholder="' + esc(t("search.placeholder")) +
        '" aria-label="' + esc(t("search.placeholder")) + '"><div class="kh-results"></div>' + time +
        '<label class="kh-language">' + esc(t("language")) + ' <select data-kind="language">' + languages +
        "</select></label>" +
        '<details class="kh-filter"><summary>' + esc(t("filter.title")) + "</summary>" +
        '<label><input type="checkbox" data-kind="opportunities"' + (f.opportunities ? " checked" : "") + "> " +
        esc(t("filter.opportunities")) + "</label>" +
        '<fieldset><legend>' + esc(t("filter.sector")) + "</legend>" +
        options("sectors", cfg.present.sectors, function (c) { return label(cfg.sectors, c); }) + "</fieldset>" +
        '<fieldset><legend>' + esc(t("filter.status")) + "</legend>" +
        options("statuses", cfg.present.statuses, function (c) { return label(cfg.statuses, c); }, statusBadge) +
        "</fieldset>" +
        '<fieldset><legend>' + esc(t("filter.town")) + "</legend>" +
        options("towns", cfg.present.towns, place) + "</fieldset>" +
        '<fieldset><legend>' + esc(t("filter.investment")) + "</legend>" +
        '<input type="number" min="0" step="any" data-kind="investment" data-end="min" placeholder="' +
        esc(t("filter.min")) + '" aria-label="' + esc(t("filter.investment") + " " + t("filter.min")) +
        '" value="' + (inv[0] === null ? "" : esc(inv[0])) + '"> – ' +
        '<input type="number" min="0" step="any" data-kind="investment" data-end="max" placeholder="' +
        esc(t("filter.max")) + '" aria-label="' + esc(t("filter.investment") + " " + t("filter.max")) +
        '" value="' + (inv[1] === null ? "" : esc(inv[1])) + '"></fieldset>' +
        '<button type="button" data-kind="reset">' + esc(t("filter.reset")) + "</button></details>" +
        '<div class="kh-count">' + esc(count) + "</div>" + totalsHtml(totals) + programmeHtml();
    if (this._live.textContent !== count) { this._live.textContent = count; }
    this._div.setAttribute("aria-label", plain(titleHtml()));
    var opened = this._opened || (this._opened = {});
    Array.prototype.forEach.call(div.querySelectorAll("details"), function (box) {
        if (opened[box.className]) { box.open = true; }
        box.addEventListener("toggle", function (e) { opened[e.target.className] = e.target.open; });
    });
    if (typed) { div.querySelector(".kh-search").value = typed; showResults(typed); }
    if (refocus && div.querySelector(refocus)) { div.querySelector(refocus).focus(); }  // keyboard users stay put
};
panel.addTo(map);
