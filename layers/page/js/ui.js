// Module ui(config, map): how the page looks: accent colour and font (CSS custom properties on the map), which
// panel parts show, whether the panel is folded; from the build (config.ui), a link (#accent=...) or setUi.
var rules = config.uiRules, PANELS = rules.panels, KEYS = rules.keys;  // the rules of layers/page/ui.py
var COLOUR = new RegExp(rules.colour), FONT = new RegExp(rules.font);
var current = {accent: null, font: null, panels: PANELS.slice(), folded: null}, listeners = [];

function problem(ui) {  // what is wrong with a ui a host or a link sends (null when nothing)
    if (ui === null || typeof ui !== "object" || Array.isArray(ui)) {
        return "ui is an object such as {accent: '#c0392b'}";
    }
    var unknown = Object.keys(ui).filter(function (k) { return KEYS.indexOf(k) < 0; });
    if (unknown.length) { return "unknown ui key " + unknown.join(", ") + "; allowed: " + KEYS.join(", "); }
    if (ui.accent != null && !COLOUR.test(String(ui.accent))) {
        return "accent " + JSON.stringify(ui.accent) + " is not a CSS colour";
    }
    if (ui.font != null && !FONT.test(String(ui.font))) {
        return "font " + JSON.stringify(ui.font) + " is not a font-family list";
    }
    var panels = ui.panels;
    if (panels != null && (!Array.isArray(panels) || panels.some(function (p) { return PANELS.indexOf(p) < 0; }))) {
        return "panels must be a list of: " + PANELS.join(", ");
    }
    if (ui.folded != null && typeof ui.folded !== "boolean") { return "folded must be true, false or null"; }
    return null;
}
function apply() {  // the CSS custom properties and the classes the stylesheet reads
    var box = map.getContainer();
    box.style.setProperty("--kh-accent", current.accent || "");
    box.style.setProperty("--kh-font", current.font || "");
    box.classList.toggle("kh-no-legends", current.panels.indexOf("legends") < 0);
    listeners.forEach(function (listener) { listener(current); });
}
function set(ui) {  // merges the keys given (null clears one back to the build's)
    var error = problem(ui);
    if (error !== null) { throw new Error(error); }
    Object.keys(ui).forEach(function (k) {
        current[k] = ui[k] === null ? (k === "panels" ? PANELS.slice() : null) : ui[k];
    });
    apply();
}
function small() { return map.getSize().x < 700; }  // a phone or a narrow portal column
set(config.ui || {});

return {get: function () { return current; }, set: set, problem: problem, small: small,
        shows: function (part) { return current.panels.indexOf(part) >= 0; },
        listen: function (listener) { listeners.push(listener); }};
