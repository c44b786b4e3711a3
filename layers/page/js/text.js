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
function format() { return cfg.formats[state.language]; }  // how the reader's language writes numbers and names
var formatters = {};  // one Intl.NumberFormat per locale and precision (toLocaleString builds one per call)
function number(value, digits) {
    var places = digits === undefined ? 2 : digits, key = format().locale + "/" + places;
    var formatter = formatters[key] ||
        (formatters[key] = new Intl.NumberFormat(format().locale, {maximumFractionDigits: places}));
    return formatter.format(value);
}
var FIGURE_FIELDS = {  // the fields each figure template may fill, from a value in base units
    money: function (v) { return {yi: number(v), billion: number(v / 10), million: number(v * 100, 0)}; },
    floor: function (v) { return {wan_m2: number(v), m2: number(v * 10000, 0)}; },
    land: function (v) { return {mu: number(v), ha: number(v / 15)}; }};
function figure(value, kind) {  // amounts in base units (亿元, 万㎡, 亩), read naturally in each language
    if (value === null) { return null; }
    var key = kind === "money" && value < 10 ? "figure.money_small" : "figure." + kind;
    return fill(t(key), FIGURE_FIELDS[kind](value));
}
function date(iso) {  // "2023-02-08", "2023-02" or "2023" (geo.read.units.parse_dates) as 2023年2月8日 / 8 Feb 2023
    var p = iso.split("-").map(Number), months = format().months;
    return fill(t(["date.y", "date.ym", "date.ymd"][p.length - 1]),
                {y: p[0], m: p[1], d: p[2], month: months && p.length > 1 ? months[p[1] - 1] : p[1]});
}
function parkName(i) { return at(d[format().name], i) || at(d.name, i); }
function otherName(i) { return at(d[format().other_name], i); }
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
