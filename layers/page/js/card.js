// Module card(config, parks, text): a park's card and tooltip in the reader's language, as HTML in which every
// text is escaped once (text.esc); a website links only over http(s) (config.link, layers.page.escape).
var esc = text.esc, at = text.at, t = text.t;
var FIGURE_KIND = {investment: "money", floor_area: "floor", land: "land", output: "money", available: "floor"};
var HTTP = new RegExp(config.link);

function link(url) {  // an http(s) URL as a link opening a new tab; anything else as text
    var target = url.trim();
    if (!HTTP.test(target)) { return esc(url); }
    return '<a href="' + esc(target) + '" target="_blank" rel="noopener noreferrer">' + esc(url) + "</a>";
}
function badge(code) {  // the status registry's symbol in its colour
    var entry = config.statuses[code];
    if (!entry) { return ""; }
    return '<span class="kh-status" style="color:' + esc(entry.colour) + '">' + esc(entry.icon) + "</span> ";
}
function registerText(key, i) {  // the register's free text, in the reader's language where the register gives it
    var column = parks.texts[key];
    if (!column) { return null; }
    var translated = parks.translations[key] && parks.translations[key][text.language()];
    var value = translated ? at(translated, i) : null;
    return value !== null ? value : at(column, i);
}
function plain(key, i) {  // the text of one field of the card, null when the park has no value
    if (key === "sector") { return text.label(config.sectors, at(parks.sector, i)); }
    if (key === "year") { return parks.year[i] === null ? null : String(parks.year[i]); }
    if (FIGURE_KIND[key]) { return text.figure(parks[key][i], FIGURE_KIND[key]); }
    if (key === "area") { return text.place(at(parks.area, i)); }
    if (key === "precision") { return t("precision." + at(parks.precision, i)); }
    if (key === "source_date") {
        var day = at(parks.source_date, i);
        return day === null ? null : text.date(day);
    }
    return registerText(key, i);
}
function cell(key, i) {  // the HTML of one field of the card, null when the park has no value
    if (key === "status") {
        var status = at(parks.status, i);
        return status === null ? null : badge(status) + esc(text.label(config.statuses, status));
    }
    var value = plain(key, i);
    return value === null ? null : key === "website" ? link(value) : esc(value);
}
function html(i) {  // the chosen fields (parks.card), in order
    var name = text.parkName(i), other = text.otherName(i);
    var out = '<div class="kh-card" lang="' + esc(text.language()) + '"><b class="kh-card-name">' + esc(name) + "</b>";
    if (other !== null && other !== name) { out += '<br><span class="kh-card-name-en">' + esc(other) + "</span>"; }
    out += "<table>" + parks.card.map(function (key) {
        var value = cell(key, i);
        return value === null ? "" : "<tr><th>" + esc(t("field." + key)) + "</th><td>" + value + "</td></tr>";
    }).join("") + parks.extra.map(function (pair) {  // further register columns, raw, under their own header
        var value = at(pair[1], i);
        return value === null ? "" : "<tr><th>" + esc(pair[0]) + "</th><td>" + esc(value) + "</td></tr>";
    }).join("");
    return out + '</table><a class="kh-share" href="#park=' + encodeURIComponent(parks.id[i]) + '" data-park="' +
        esc(parks.id[i]) + '">' + esc(t("card.link")) + "</a></div>";
}
function tooltip(i) { return esc(text.parkName(i)) + " · " + esc(text.label(config.sectors, at(parks.sector, i))); }

return {html: html, tooltip: tooltip, badge: badge};
