// Search by name in any language, the year slider and playback, the programme panel.
var NAMED = {amp: "&", lt: "<", gt: ">", quot: '"'};
function plain(html) {  // text of the escaped HTML from Python (layers.page.escape: these entities only)
    return html === null ? "" : html.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot));/g,
        function (_, dec, hex, name) {
            return dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : NAMED[name];
        });
}
var searchable = [];
for (var s_ = 0; s_ < n; s_++) {
    searchable.push([at(d.name, s_), at(d.name_en, s_), at(d.name_hant, s_), d.id[s_]]
        .filter(function (v) { return v !== null; }).map(plain).join(" \u0000 ").toLowerCase());
}
function search(query) {
    var q = String(query || "").trim().toLowerCase(), found = [];
    if (!q) { return found; }
    for (var i = 0; i < n; i++) { if (searchable[i].indexOf(q) >= 0) { found.push(d.id[i]); } }
    return found;
}
function showResults(query) {
    var box = panel._div.querySelector(".kh-results"), found = search(query).slice(0, 8);
    if (!String(query || "").trim()) { box.innerHTML = ""; return; }
    box.innerHTML = found.length ? found.map(function (id) {
        var i = indexOf(id);  // names are escaped HTML from Python
        return '<button type="button" class="kh-result" data-kind="result" data-park="' + esc(id) + '">' +
            parkName(i) + "</button>";
    }).join("") : '<div class="kh-none">' + esc(t("search.none")) + "</div>";
}
var playing = null;
function play() {  // the parks as they were, year after year, up to all of them; a second click pauses
    if (!cfg.years) { return; }
    if (playing) { stop(); apply(); return; }
    var shown = state.filter.years, year = shown && shown[1] !== null && shown[1] < cfg.years[1] ? shown[1]
        : cfg.years[0];  // on from a paused or chosen year, else from the first
    state.filter.years = [null, year];
    playing = setInterval(function () {
        year += 1;
        state.filter.years = year >= cfg.years[1] ? null : [null, year];
        if (year >= cfg.years[1]) { stop(); }
        apply();
    }, 1200);
    apply();
}
function stop() { if (playing) { clearInterval(playing); playing = null; } }  // the reader's own choice wins
function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return key in values ? values[key] : ""; });
}
function registerSums() {  // what the whole register adds up to: [total, parks carrying a figure]
    var sum = {investment: [0, 0], output: [0, 0], ground: [0, 0, 0], open: 0, byStatus: {}};
    for (var i = 0; i < n; i++) {
        var status = at(d.status, i), money = d.investment[i], output = d.output[i];
        sum.byStatus[status] = (sum.byStatus[status] || 0) + 1;
        if (money !== null) { sum.investment[0] += money; sum.investment[1] += 1; }
        if (output !== null) { sum.output[0] += output; sum.output[1] += 1; }
        if (status === "groundbreaking") {
            sum.ground[0] += 1;
            if (money !== null) { sum.ground[1] += money; sum.ground[2] += 1; }
        }
        if (status === "seeking_operator") { sum.open += 1; }
    }
    return sum;
}
var programmeIn = {};  // the panel is drawn on every filter change; the table depends on the language only
function programmeHtml() {
    return programmeIn[state.language] || (programmeIn[state.language] = programmeTable(registerSums()));
}
function programmeTable(sum) {  // the published figures and targets beside what this register adds up to
    var p = cfg.programme, byStatus = sum.byStatus;
    if (!p) { return ""; }
    var facts = p.facts, targets = p.targets_2025, g = facts.groundbreaking_2023_02_08;
    var statuses = Object.keys(cfg.statuses).filter(function (code) { return byStatus[code]; })
        .map(function (code) { return label(cfg.statuses, code) + " " + byStatus[code]; }).join(t("list.separator"));
    function amount(total) {  // "40 亿元 (3 个有数据)"
        return fill(t("programme.amount"), {amount: figure(total[0], "money"), carrying: total[1]});
    }
    var rows = [  // [label, published, this map]
        ["programme.parks", fill(t("programme.parks_value"), {now: facts.parks_built_or_cultivated,
            certified: facts.certified_first_batch, cultivation: facts.cultivation_first_batch,
            target: targets.parks_min}), fill(t("programme.map_parks"), {parks: n, statuses: statuses})],
        ["programme.groundbreaking", fill(t("programme.groundbreaking_value"), {parks: g.parks,
            investment: number(g.investment_yi), investment_bn: number(g.investment_yi / 10),
            area: number(g.floor_area_wan_m2), area_m2: number(g.floor_area_wan_m2 * 10000, 0)}),
         fill(t("programme.map_groundbreaking"), {parks: sum.ground[0],
                                                  amount: amount([sum.ground[1], sum.ground[2]])})],
        ["programme.output", fill(t("programme.output_value"), {value: number(targets.output_yi_min),
            value_bn: number(targets.output_yi_min / 10)}), fill(t("programme.map_output"), {amount: amount(sum.output)})],
        ["programme.investment", null, amount(sum.investment)],
        ["programme.operators", String(facts.parks_seeking_operators), String(sum.open)],
        ["programme.high_tech", number(targets.new_high_tech_enterprises_min) + "+", null],
        ["programme.other_targets", fill(t("programme.other_targets_value"), {
            sme: number(targets.new_specialised_sme_min), gazelle: number(targets.new_gazelle_min),
            unicorn: number(targets.new_unicorn_min), listed: number(targets.new_listed_min)}), null]];
    function cell(text) { return "<td>" + (text === null ? "–" : esc(text)) + "</td>"; }
    return '<details class="kh-programme"><summary>' + esc(t("programme.title")) + "</summary><table>" +
        "<tr><th></th><th>" + esc(fill(t("programme.published"), {date: p.as_of})) + "</th><th>" +
        esc(t("programme.this_map")) + "</th></tr>" +
        rows.map(function (r) { return "<tr><th>" + esc(t(r[0])) + "</th>" + cell(r[1]) + cell(r[2]) + "</tr>"; })
            .join("") + "</table><div class=\"kh-source\">" + esc(t("programme.source")) + ": " +
        esc(p.sources.conference_and_targets) + "; " + esc(p.sources.action_plan) + "</div></details>";
}
