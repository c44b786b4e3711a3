// Module text(config, parks): the page's texts in the reader's language (UI strings, registry labels, place and
// park names, figures with units, dates) and esc, the one escaping of a text that enters the page as HTML.
var state = {language: config.default};
var formatters = {};  // one Intl.NumberFormat per locale and precision (toLocaleString builds one per call)
var FIGURE_FIELDS = {  // the fields each figure template may fill, from a value in base units
    money: function (v) { return {yi: number(v), billion: number(v / 10), million: number(v * 100, 0)}; },
    floor: function (v) { return {wan_m2: number(v), m2: number(v * 10000, 0)}; },
    land: function (v) { return {mu: number(v), ha: number(v / 15)}; }};

function esc(text) {  // every text (a record's, a registry's, a reader's) is escaped here, once, as it enters HTML
    return String(text).replace(/[&<>"'`${}\\]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}
function at(column, i) {  // a dictionary-encoded column of the parks (layers.elements.markers.encoded)
    var code = column.codes[i];
    return code < 0 ? null : column.values[code];
}
function language() { return state.language; }
function languages() { return config.order.slice(); }
function use(code) {  // the reader's language, for the whole page (its lang and title too)
    if (config.order.indexOf(code) < 0) {
        throw new Error("unknown language " + code + "; allowed: " + config.order.join(", "));
    }
    state.language = code;
    document.documentElement.lang = code;
    document.title = title();
}
function t(key) {
    var entry = config.strings[key];
    return entry ? (entry[state.language] || entry[config.default]) : key;
}
function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return key in values ? values[key] : ""; });
}
function title() { return config.title !== null ? config.title : t("title"); }  // a chosen title, else the registry's
function label(registry, code) {
    var entry = registry[code];
    return entry ? (entry[state.language] || entry[config.default]) : code;
}
function place(name) {
    if (name === null) { return null; }
    var entry = config.places[name];
    return entry ? (entry[state.language] || name) : name;
}
function format() { return config.formats[state.language]; }  // how the reader's language writes numbers and names
function number(value, digits) {
    var places = digits === undefined ? 2 : digits, key = format().locale + "/" + places;
    var formatter = formatters[key] ||
        (formatters[key] = new Intl.NumberFormat(format().locale, {maximumFractionDigits: places}));
    return formatter.format(value);
}
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
function parkName(i) { return at(parks[format().name], i) || at(parks.name, i); }
function otherName(i) { return at(parks[format().other_name], i); }

return {esc: esc, at: at, language: language, languages: languages, use: use, t: t, fill: fill, title: title,
        label: label, place: place, format: format, number: number, figure: figure, date: date, parkName: parkName, otherName: otherName};
