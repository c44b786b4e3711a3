// Module programme(config, parks, text): the programme's published figures and 2025 targets beside what this
// register adds up to (whatever the filter), built once per language.
var esc = text.esc, t = text.t, fill = text.fill, number = text.number, at = text.at, n = parks.lat.length;
var built = {};

function registerSums() {  // what the whole register adds up to: [total, parks carrying a figure]
    var sum = {investment: [0, 0], output: [0, 0], ground: [0, 0, 0], open: 0, byStatus: {}};
    for (var i = 0; i < n; i++) {
        var status = at(parks.status, i), money = parks.investment[i], output = parks.output[i];
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
function amount(total) {  // "40 亿元（3 个有数据）"
    return fill(t("programme.amount"), {amount: text.figure(total[0], "money"), carrying: total[1]});
}
function rows(p, sum) {  // [label, published, this map]
    var facts = p.facts, targets = p.targets_2025, g = facts.groundbreaking_2023_02_08;
    var statuses = Object.keys(config.statuses).filter(function (code) { return sum.byStatus[code]; })
        .map(function (code) { return text.label(config.statuses, code) + " " + sum.byStatus[code]; })
        .join(t("list.separator"));
    return [
        ["programme.parks", fill(t("programme.parks_value"), {now: facts.parks_built_or_cultivated,
            certified: facts.certified_first_batch, cultivation: facts.cultivation_first_batch,
            target: targets.parks_min}), fill(t("programme.map_parks"), {parks: n, statuses: statuses})],
        ["programme.groundbreaking", fill(t("programme.groundbreaking_value"), {parks: g.parks,
            investment: number(g.investment_yi), investment_bn: number(g.investment_yi / 10),
            area: number(g.floor_area_wan_m2), area_m2: number(g.floor_area_wan_m2 * 10000, 0)}),
         fill(t("programme.map_groundbreaking"), {parks: sum.ground[0],
                                                  amount: amount([sum.ground[1], sum.ground[2]])})],
        ["programme.output", fill(t("programme.output_value"), {value: number(targets.output_yi_min),
            value_bn: number(targets.output_yi_min / 10)}),
         fill(t("programme.map_output"), {amount: amount(sum.output)})],
        ["programme.investment", null, amount(sum.investment)],
        ["programme.operators", String(facts.parks_seeking_operators), String(sum.open)],
        ["programme.high_tech", number(targets.new_high_tech_enterprises_min) + "+", null],
        ["programme.other_targets", fill(t("programme.other_targets_value"), {
            sme: number(targets.new_specialised_sme_min), gazelle: number(targets.new_gazelle_min),
            unicorn: number(targets.new_unicorn_min), listed: number(targets.new_listed_min)}), null]];
}
function cell(value) { return "<td>" + (value === null ? "–" : esc(value)) + "</td>"; }
function table(p) {
    return '<details class="kh-programme"><summary>' + esc(t("programme.title")) + "</summary><table>" +
        "<tr><th></th><th>" + esc(fill(t("programme.published"), {date: p.as_of})) + "</th><th>" +
        esc(t("programme.this_map")) + "</th></tr>" +
        rows(p, registerSums()).map(function (r) {
            return "<tr><th>" + esc(t(r[0])) + "</th>" + cell(r[1]) + cell(r[2]) + "</tr>";
        }).join("") +
        '</table><div class="kh-source">' + esc(t("programme.source")) + ": " + esc(p.sources.conference_and_targets) +
        "; " + esc(p.sources.action_plan) + "</div></details>";
}
function html() {  // the panel is drawn on every filter change; the table depends on the language only
    if (!config.programme) { return ""; }
    return built[text.language()] || (built[text.language()] = table(config.programme));
}

return {html: html};
