// Text of the page in the reader's language: UI strings, names, figures with units, dates, the park card.
var kh = window.__kunshanHeatmap;
var parks = kh.parks, d = parks.data, at = parks.at, n = d.lat.length;
var LANGS = cfg.order.slice();

function emptyFilter() {
    return {sectors: [], statuses: [], towns: [], investment: null, years: null, opportunities: false};
}
function opportunity(i) { return at(d.status, i) === "seeking_operator" || d.available[i] !== null; }
var state = {language: cfg.default, filter: emptyFilter(), selected: null, shown: n};

function esc(text) {  // for the few texts composed here (numbers, user-typed values)
    return String(text).replace(/[&<>"'`${}\\]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}
function t(key) {
    var entry = cfg.strings[key];
    return entry ? (entry[state.language] || entry[cfg.default]) : key;
}
function titleHtml() {  // a chosen title (escaped HTML from Python), else the registry's in the reader's language
    return cfg.title !== null ? cfg.title : esc(t("title"));
}
function label(registry, code) {
    var entry = registry[code];
    return entry ? (entry[state.language] || entry[cfg.default]) : code;
}
function place(name) {
    if (name === null) { return null; }
    var entry = cfg.places[name];
    return entry ? (entry[state.language] || name) : name;
}
function number(value, digits) {
    return value.toLocaleString(state.language === "en" ? "en-GB" : "zh-CN",
                                {maximumFractionDigits: digits === undefined ? 2 : digits});
}
function figure(value, kind) {  // amounts in base units (亿元, 万㎡, 亩), read naturally in each language
    if (value === null) { return null; }
    if (state.language !== "en") {
        return number(value) + " " + t({money: "unit.yi", floor: "unit.wan_m2", land: "unit.mu"}[kind]);
    }
    if (kind === "money") {
        return value >= 10 ? "CNY " + number(value / 10) + " billion" : "CNY " + number(value * 100, 0) + " million";
    }
    if (kind === "floor") { return number(value * 10000, 0) + " m²"; }
    return number(value) + " mu (" + number(value / 15) + " ha)";
}
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function date(iso) {  // "2023-02-08", "2023-02" or "2023" (geo.units.parse_dates) as 2023年2月8日 / 8 Feb 2023
    var p = iso.split("-").map(Number);
    if (state.language !== "en") {
        return p[0] + "年" + (p.length > 1 ? p[1] + "月" : "") + (p.length > 2 ? p[2] + "日" : "");
    }
    return (p.length > 2 ? p[2] + " " : "") + (p.length > 1 ? MONTHS[p[1] - 1] + " " : "") + p[0];
}
function parkName(i) {
    var zh = at(d.name, i), en = at(d.name_en, i), hant = at(d.name_hant, i);
    if (state.language === "en") { return en || zh; }
    if (state.language === "zh-Hant") { return hant || zh; }
    return zh;
}
function otherName(i) {
    var en = at(d.name_en, i);
    return state.language === "en" ? at(d.name, i) : en;
}
var FIGURE_KIND = {investment: "money", floor_area: "floor", land: "land", output: "money", available: "floor"};
function cardValue(key, i) {  // escaped HTML of one card field, null when the park has no value
    if (key === "sector") { return esc(label(cfg.sectors, at(d.sector, i))); }
    if (key === "status") {
        var status = at(d.status, i);
        return status === null ? null : statusBadge(status) + esc(label(cfg.statuses, status));
    }
    if (key === "year") { return d.year[i] === null ? null : esc(d.year[i]); }
    if (FIGURE_KIND[key]) { var text = figure(d[key][i], FIGURE_KIND[key]); return text === null ? null : esc(text); }
    if (key === "area") { var town = place(at(d.area, i)); return town === null ? null : esc(town); }
    if (key === "precision") { return esc(t("precision." + at(d.precision, i))); }
    if (key === "source_date") { var day = at(d.source_date, i); return day === null ? null : esc(date(day)); }
    var k = d.field_names.indexOf(key);  // the register's free texts: escaped HTML from Python,
    if (k < 0) { return null; }           // in the reader's language where the register gives it
    var translated = d.translations[key] && d.translations[key][state.language];
    var text = translated ? at(translated, i) : null;
    return text !== null ? text : at(d.fields[k], i);
}
function card(i) {  // the chosen fields (d.card), in order, in the reader's language
    var html = '<div class="kh-card" lang="' + state.language + '"><b class="kh-card-name">' + parkName(i) + "</b>";
    var other = otherName(i);
    if (other !== null && other !== parkName(i)) { html += '<br><span class="kh-card-name-en">' + other + "</span>"; }
    html += "<table>";
    d.card.forEach(function (key) {
        var value = cardValue(key, i);
        if (value !== null) { html += "<tr><th>" + esc(t("field." + key)) + "</th><td>" + value + "</td></tr>"; }
    });
    html += '</table><a class="kh-share" href="#park=' + encodeURIComponent(d.id[i]) + '" data-park="' +
            esc(d.id[i]) + '">' + esc(t("card.link")) + "</a></div>";
    return html;
}
function statusBadge(code) {  // the registry's symbol in the registry's colour (both our own data)
    var entry = cfg.statuses[code];
    return entry ? '<span class="kh-status" style="color:' + esc(entry.colour) + '">' + esc(entry.icon) + "</span> " : "";
}
function tooltip(i) { return parkName(i) + " · " + esc(label(cfg.sectors, at(d.sector, i))); }
kh.card = card;
kh.tooltip = tooltip;
