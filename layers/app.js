// The investor app of the park heatmap: languages, filters, permalinks, page API (window.KunshanHeatmap),
// postMessage commands from a host page. Data arrive escaped from Python; this script only joins strings
// that are already safe HTML and writes user input back through textContent or its own escaping.
(function (cfg, map, heat, areas, densityLayer, control, names) {
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

    // --- filters -------------------------------------------------------------------------------------
    function passes(i) {
        var f = state.filter;
        if (f.sectors.length && f.sectors.indexOf(at(d.sector, i)) < 0) { return false; }
        if (f.statuses.length && f.statuses.indexOf(at(d.status, i)) < 0) { return false; }
        if (f.towns.length && f.towns.indexOf(at(d.area, i)) < 0) { return false; }
        if (f.opportunities && !opportunity(i)) { return false; }
        if (f.investment) {
            var v = d.investment[i];
            if (v === null || (f.investment[0] !== null && v < f.investment[0]) ||
                (f.investment[1] !== null && v > f.investment[1])) { return false; }
        }
        if (f.years) {
            var y = d.year[i];
            if (y === null || (f.years[0] !== null && y < f.years[0]) || (f.years[1] !== null && y > f.years[1])) {
                return false;
            }
        }
        return true;
    }
    parks.passes = passes;
    function visibleIds() {
        var ids = [];
        for (var i = 0; i < n; i++) {
            if (passes(i) && map.hasLayer(parks.groups[at(d.sector, i)])) { ids.push(d.id[i]); }
        }
        return ids;
    }
    var shownNow = new Uint8Array(n);
    function apply() {
        var points = [], shown = 0, totals = {};
        parks.sync();  // markers (and clusters) of the parks that pass and whose sector layer is on
        for (var i = 0; i < n; i++) {
            var on = passes(i) && map.hasLayer(parks.groups[at(d.sector, i)]);
            shownNow[i] = on ? 1 : 0;
            if (on) {  // one pass gives the count, the heat and the town totals
                shown += 1;
                var area = at(d.area, i), sum = totals[area] || (totals[area] = {count: 0, money: 0, carrying: 0});
                sum.count += 1;
                if (d.investment[i] !== null) { sum.money += d.investment[i]; sum.carrying += 1; }
            }
            if (on && d.heat[i] !== null) { points.push([d.lat0[i], d.lon0[i], d.heat[i]]); }
        }
        if (heat && map.hasLayer(heat)) { heat.setLatLngs(points); }  // Leaflet.heat cannot redraw off the map;
                                                                     // overlayadd runs apply() again
        updateAreas(totals);
        updateDensity(points.length);
        renderLegend(points.length);
        renderLayerNames();
        state.shown = shown;
        panel.render(shown, totals);
        writeHash();
    }
    function updateAreas(totals) {
        if (!areas) { return; }
        areas.eachLayer(function (layer) {
            var name = layer.feature.properties.name, sum = totals[name] || {count: 0, money: 0, carrying: 0};
            var html = "<b>" + esc(place(name)) + "</b> <i>(" + esc(t("area.schematic")) + ")</i><br>" +
                esc(t("area.parks")) + ": " + sum.count;
            if (sum.carrying) { html += "<br>" + esc(t("field.investment")) + ": " + esc(figure(sum.money, "money")) +
                                        " (" + sum.carrying + ")"; }
            layer.setTooltipContent(html);
        });
    }

    // --- search, time, programme -------------------------------------------------------------------------
    var NAMED = {amp: "&", lt: "<", gt: ">", quot: '"'};
    function plain(html) {  // text of the escaped HTML from Python (layers._html: these entities only)
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
    function play() {
        if (!cfg.years || playing) { return; }
        var year = cfg.years[0];
        state.filter.years = [null, year];
        apply();
        playing = setInterval(function () {
            year += 1;
            state.filter.years = year >= cfg.years[1] ? null : [null, year];
            apply();
            if (year >= cfg.years[1]) { clearInterval(playing); playing = null; }
        }, 1200);
    }
    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, function (_, key) { return key in values ? values[key] : ""; });
    }
    function programmeHtml() {  // the published figures and targets beside what this register adds up to
        var p = cfg.programme;
        if (!p) { return ""; }
        var facts = p.facts, targets = p.targets_2025, g = facts.groundbreaking_2023_02_08;
        var sum = {investment: [0, 0], output: [0, 0], ground: [0, 0, 0], open: 0}, byStatus = {};
        for (var i = 0; i < n; i++) {
            var status = at(d.status, i);
            byStatus[status] = (byStatus[status] || 0) + 1;
            ["investment", "output"].forEach(function (key) {
                if (d[key][i] !== null) { sum[key][0] += d[key][i]; sum[key][1] += 1; }
            });
            if (status === "groundbreaking") {
                sum.ground[0] += 1;
                if (d.investment[i] !== null) { sum.ground[1] += d.investment[i]; sum.ground[2] += 1; }
            }
            if (status === "seeking_operator") { sum.open += 1; }
        }
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

    // --- the density surface, recomputed for the filter on the Python grid ------------------------------
    var density = densityLayer ? densityLayer.khDensity : null;
    var densityState = {used: density ? density.n_used : 0, filtered: false};
    if (density) { density.url = densityLayer._url; }
    function densitySurface(indices) {  // Σ w·exp(-d²/2σ²)/(2πσ²) per km² at the cell centres, as geo.density
        var g = density, R = g.rows, C = g.columns, out = new Float64Array(R * C);
        var south = g.bounds[0][0], west = g.bounds[0][1], north = g.bounds[1][0], east = g.bounds[1][1];
        var gx = new Float64Array(C), reach = 6;  // the kernel is cut at 6σ (below 2e-8 of its peak)
        indices.forEach(function (i) {
            var column = (d.lon0[i] - west) / (east - west) * C - 0.5, row = (north - d.lat0[i]) / (north - south) * R - 0.5;
            var at_ = Math.min(R - 1, Math.max(0, Math.round(row)));
            var sx = g.widths[at_] / g.bandwidth_m, sy = g.heights[at_] / g.bandwidth_m;
            var c0 = Math.max(0, Math.ceil(column - reach / sx)), c1 = Math.min(C - 1, Math.floor(column + reach / sx));
            var r0 = Math.max(0, Math.ceil(row - reach / sy)), r1 = Math.min(R - 1, Math.floor(row + reach / sy));
            for (var c = c0; c <= c1; c++) { gx[c] = Math.exp(-0.5 * Math.pow((c - column) * sx, 2)); }
            for (var r = r0; r <= r1; r++) {
                var f = d.heat[i] * Math.exp(-0.5 * Math.pow((r - row) * sy, 2)), base = r * C;
                for (c = c0; c <= c1; c++) { out[base + c] += f * gx[c]; }
            }
        });
        var perKm2 = 1e6 / (2 * Math.PI * g.bandwidth_m * g.bandwidth_m);
        for (var k = 0; k < out.length; k++) { out[k] *= perKm2; }
        return out;
    }
    function interp(x, xs, ys) {  // numpy.interp: linear, clamped at both ends
        if (x <= xs[0]) { return ys[0]; }
        for (var k = 1; k < xs.length; k++) {
            if (x <= xs[k]) { return ys[k - 1] + (ys[k] - ys[k - 1]) * (x - xs[k - 1]) / (xs[k] - xs[k - 1]); }
        }
        return ys[ys.length - 1];
    }
    function densityPixels(values) {  // RGBA along the same ramp and levels as layers.density.density_rgba
        var g = density, pixels = new Uint8ClampedArray(values.length * 4);
        if (!g.levels.length) { return pixels; }
        var stops = [g.levels[0] * g.threshold].concat(g.levels);
        var steps = stops.map(function (_, k) { return k / (stops.length - 1); });
        var at_ = g.ramp.map(function (stop) { return stop[0]; });
        var channels = [0, 1, 2, 3].map(function (ch) { return g.ramp.map(function (stop) { return stop[1][ch]; }); });
        for (var k = 0; k < values.length; k++) {
            if (!(values[k] > stops[0])) { continue; }
            var position = interp(values[k], stops, steps);
            for (var ch = 0; ch < 4; ch++) { pixels[4 * k + ch] = Math.round(interp(position, at_, channels[ch])); }
        }
        return pixels;
    }
    var drawnFor = null;
    function updateDensity(used) {
        if (!density) { return; }
        var all = used === density.n_used;  // every park of the Python surface is shown: its exact image
        densityState = {used: used, filtered: !all};
        if (!map.hasLayer(densityLayer)) { return; }  // overlayadd runs apply() again
        var key = JSON.stringify([state.filter, Object.keys(parks.groups).filter(function (code) {
            return map.hasLayer(parks.groups[code]); })]);
        if (key === drawnFor) { renderDensityLegend(); return; }  // e.g. a language switch
        drawnFor = key;
        if (all) {
            kh.density = {values: null, pixels: null, used: used};
            if (densityLayer._url !== density.url) { densityLayer.setUrl(density.url); }
        } else {
            var indices = [];
            for (var i = 0; i < n; i++) { if (d.heat[i] !== null && shownNow[i]) { indices.push(i); } }
            var values = densitySurface(indices), pixels = densityPixels(values);
            var canvas = document.createElement("canvas");
            canvas.width = density.columns;
            canvas.height = density.rows;
            canvas.getContext("2d").putImageData(new ImageData(pixels, density.columns, density.rows), 0, 0);
            densityLayer.setUrl(canvas.toDataURL("image/png"));
            kh.density = {values: Array.prototype.slice.call(values), pixels: pixels, used: used};
        }
        renderDensityLegend();
    }
    function densityTitle() {
        var g = density;
        return g.weight === "count" ? t("density.title.count")
            : fill(t("density.title.figure"), {figure: t("field." + g.weight)});
    }
    function densityLegend() {
        var g = density, unit = t("density.unit." + g.weight), km = number(g.bandwidth_m / 1000, 3);
        var ticks = g.levels.map(function (v, k) {
            return '<span class="kh-density-tick" style="left:' + (100 * (k + 1) / g.levels.length).toFixed(4) + '%">' +
                esc(number(v, 6)) + "</span>";
        }).join("");
        var scale = g.levels.length
            ? '<div class="kh-density-bar" style="background:' + esc(g.gradient) + '"></div>' +
              '<div class="kh-density-ticks">' + ticks + '</div><div class="kh-density-unit">' + esc(unit) + "</div>"
            : '<div class="kh-density-empty">' + esc(t("density.empty")) + "</div>";
        var figure = g.weight === "count" ? "" : t("field." + g.weight);
        var parksText = fill(t(g.weight === "count" ? "density.parks.count" : "density.parks.figure"),
                             {n: densityState.used, total: n,
                              figure: state.language === "en" ? figure.toLowerCase() : figure});
        return '<div class="kh-density-legend" lang="' + state.language + '"><div class="kh-density-title">' +
            esc(densityTitle()) + "</div>" + scale +
            "<div>" + esc(fill(t("density.kernel"), {km: km})) + "</div>" +
            "<div>" + esc(fill(t("density.detail"), {sigma: number(g.bandwidth_m, 0), cell: number(g.cell_m, 0)})) + "</div>" +
            '<div class="kh-density-parks">' + esc(parksText) + "</div>" +
            (densityState.filtered ? '<div class="kh-density-filtered">' + esc(t("density.filtered")) + "</div>" : "") +
            "</div>";
    }
    function renderDensityLegend() {
        var box = document.querySelector(".kh-density-control");
        if (box && density) { box.innerHTML = densityLegend(); }
    }
    if (density) { kh.densityLegend = densityLegend; }

    // --- layer names in the layer control ----------------------------------------------------------------
    names.forEach(function (pair) { pair[0].khName = pair[1]; });
    function layerName(spec) {
        if (spec.sector !== undefined) {
            return '<span class="kh-dot" style="color:' + esc(spec.colour) + '">&#9679;</span> ' +
                esc(label(cfg.sectors, spec.sector)) + " (" + spec.count + ")";
        }
        if (spec.density !== undefined) { return esc(densityTitle() + " (" + t("density.unit." + spec.density) + ")"); }
        return cfg.strings[spec.key] ? esc(t(spec.key)) : null;
    }
    var namedIn = null;
    function renderLayerNames() {  // Leaflet 1.9.4 (pinned) keeps the names in control._layers
        if (!control || !control._layers || namedIn === state.language) { return; }
        namedIn = state.language;
        control._layers.forEach(function (item) {
            var name = item.layer.khName ? layerName(item.layer.khName) : null;
            if (name !== null) { item.name = name; }
        });
        if (control._map) { control._update(); }
    }

    // --- the map legend, in the reader's language ---------------------------------------------------------
    function renderLegend(carrying) {  // carrying: parks shown that carry the weight
        var box = document.querySelector(".kh-legend"), g = cfg.legend;
        if (!box || !g) { return; }
        var units = {investment: ["field.investment", "unit.yi"], floor_area: ["field.floor_area", "unit.wan_m2"],
                     output: ["field.output", "unit.yi"]};
        var weight = g.weight === "count"
            ? fill(t("legend.weight.count"), {n: carrying, total: g.total})
            : fill(t("legend.weight.figure"), {figure: t(units[g.weight][0]), unit: t(units[g.weight][1]),
                                               n: carrying, total: g.total});
        var html = "<h4>" + titleHtml() + '</h4><div class="kh-weight">' + esc(weight) + "</div>" +
            (g.ramp ? '<div class="kh-ramp"></div><div>' + esc(t("legend.ramp")) + "</div>"
                    : "<div>" + esc(t("legend.density")) + "</div>") +
            '<div><span class="kh-sym" style="background:#1f77b4;border:2px solid #fff"></span>' +
            esc(t("legend.exact")) + "</div>" +
            '<div><span class="kh-sym" style="background:rgba(31,119,180,0.45);border:2px dashed #1f77b4"></span>' +
            esc(t("legend.approximate")) + "</div>" +
            '<div class="kh-note">' + esc(t("legend.schematic")) + "</div>";
        if (g.city) { html += '<div class="kh-note">' + esc(fill(t("legend.city"), {n: g.city})) + "</div>"; }
        if (!g.total) { html += '<div class="kh-note">' + esc(t("legend.empty")) + "</div>"; }
        box.innerHTML = html;
    }

    // --- the panel -------------------------------------------------------------------------------------
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
                f.investment = (low === "" && high === "") ? null
                    : [low === "" ? null : Number(low), high === "" ? null : Number(high)];
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
        this._div = div;
        return div;
    };
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
    panel.render = function (shown, totals) {
        var div = this._div, f = state.filter;
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
        var inv = f.investment || [null, null];
        var years = cfg.years, upto = f.years && f.years[1] !== null ? f.years[1] : (years ? years[1] : null);
        var time = !years ? "" :
            '<div class="kh-time"><span>' + esc(t("time.title")) + "</span> " +
            '<input type="range" data-kind="year" min="' + years[0] + '" max="' + years[1] + '" step="1" value="' +
            upto + '"> <span class="kh-year">' + esc(f.years ? t("time.upto").replace("{year}", upto)
                                                                : t("time.all")) + "</span> " +
            '<button type="button" data-kind="play">' + esc(t("time.play")) + "</button></div>";
        div.innerHTML =
            '<div class="kh-panel-title">' + titleHtml() + "</div>" +
            '<input type="search" class="kh-search" data-kind="search" placeholder="' + esc(t("search.placeholder")) +
            '"><div class="kh-results"></div>' + time +
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
            esc(t("filter.min")) + '" value="' + (inv[0] === null ? "" : esc(inv[0])) + '"> – ' +
            '<input type="number" min="0" step="any" data-kind="investment" data-end="max" placeholder="' +
            esc(t("filter.max")) + '" value="' + (inv[1] === null ? "" : esc(inv[1])) + '"></fieldset>' +
            '<button type="button" data-kind="reset">' + esc(t("filter.reset")) + "</button></details>" +
            '<div class="kh-count">' + esc(t("filter.count").replace("{n}", shown).replace("{total}", n)) + "</div>" +
            totalsHtml(totals) + programmeHtml();
        var opened = this._opened || (this._opened = {});
        Array.prototype.forEach.call(div.querySelectorAll("details"), function (box) {
            if (opened[box.className]) { box.open = true; }
            box.addEventListener("toggle", function (e) { opened[e.target.className] = e.target.open; });
        });
    };
    panel.addTo(map);

    // --- state, permalinks, API ------------------------------------------------------------------------
    function clean(filter) {
        var f = emptyFilter();
        filter = filter || {};
        ["sectors", "statuses", "towns"].forEach(function (k) {
            if (Array.isArray(filter[k])) { f[k] = filter[k].map(String); }
        });
        f.opportunities = filter.opportunities === true || filter.opportunities === "1";
        ["investment", "years"].forEach(function (k) {
            var r = filter[k];
            if (Array.isArray(r) && r.length === 2) {
                f[k] = r.map(function (v) { return v === null || v === "" || !isFinite(Number(v)) ? null : Number(v); });
                if (f[k][0] === null && f[k][1] === null) { f[k] = null; }
            }
        });
        return f;
    }
    function setFilter(filter) { state.filter = clean(filter); apply(); return getState(); }
    function setLanguage(code) {
        if (LANGS.indexOf(code) < 0) { throw new Error("unknown language " + code + "; allowed: " + LANGS.join(", ")); }
        state.language = code;
        document.documentElement.lang = code;
        document.title = plain(titleHtml());
        var selected = state.selected;  // closing the card clears it
        map.closePopup();
        apply();
        if (selected !== null) { focusPark(selected); }  // the open card again, in the new language
        return getState();
    }
    function indexOf(id) { return d.id.indexOf(String(id)); }
    function focusPark(id) {
        var i = indexOf(id);
        if (i < 0) { throw new Error("no park with id " + id); }
        var marker = parks.markers[i], group = parks.groups[at(d.sector, i)];
        if (!map.hasLayer(group)) { map.addLayer(group); }
        if (!passes(i)) { state.filter = emptyFilter(); apply(); }
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13), {animate: false});
        if (map.hasLayer(marker)) { marker.openPopup(); }
        else if (parks.cluster) { parks.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
        return getState();
    }
    function view() {
        var c = map.getCenter();
        return {lat: Number(c.lat.toFixed(5)), lon: Number(c.lng.toFixed(5)), zoom: map.getZoom()};
    }
    function getState() {
        return {language: state.language, filter: JSON.parse(JSON.stringify(state.filter)),
                visibleParks: visibleIds(), selected: state.selected, view: view(), hash: location.hash};
    }
    function summary() {  // what a host hears of each change: the state without the (long) list of park ids
        return {language: state.language, filter: JSON.parse(JSON.stringify(state.filter)), visibleCount: state.shown,
                selected: state.selected, view: view(), hash: location.hash};
    }
    function announce(name, detail) {  // to the host page (postMessage) and to scripts of this page (DOM event)
        if (window.parent !== window) {
            window.parent.postMessage(Object.assign({type: "kunshan-heatmap", event: name}, detail), "*");
        }
        window.dispatchEvent(new CustomEvent("kunshan-heatmap:" + name, {detail: detail}));
    }
    map.on("popupopen", function (event) {
        var i = event.popup._source ? event.popup._source.parkIndex : undefined;
        if (i === undefined) { return; }
        state.selected = d.id[i];
        writeHash();
        announce("parkSelected", {park: {id: d.id[i], name: at(d.name, i), name_en: at(d.name_en, i)}});
    });
    map.on("popupclose", function () { state.selected = null; writeHash(); });
    map.on("moveend overlayadd overlayremove", function (event) {
        if (event.type === "moveend") { writeHash(); } else { apply(); }
    });
    document.addEventListener("click", function (event) {
        var share = event.target.closest && event.target.closest("a.kh-share");
        if (!share) { return; }
        event.preventDefault();
        writeHash();
        var link = location.href;
        share.setAttribute("data-link", link);
        function byHand() {  // no clipboard (a sandboxed frame, a file page): the link, selected, to copy by hand
            var box = document.createElement("input");
            box.className = "kh-share-link";
            box.readOnly = true;
            box.value = link;
            box.title = t("card.copy_by_hand");
            share.textContent = t("card.copy_by_hand");
            share.parentNode.insertBefore(box, share.nextSibling);
            box.select();
        }
        var shown = share.parentNode.querySelector(".kh-share-link");
        if (shown) { shown.value = link; shown.select(); return; }
        if (!navigator.clipboard || !navigator.clipboard.writeText) { byHand(); return; }
        navigator.clipboard.writeText(link).then(function () { share.textContent = t("card.copied"); }, byHand);
    });

    var writing = false, ready = false;
    function writeHash() {
        var f = state.filter, parts = ["lang=" + state.language];
        ["sectors", "statuses", "towns"].forEach(function (k) {
            if (f[k].length) { parts.push(k + "=" + f[k].map(encodeURIComponent).join(",")); }
        });
        ["investment", "years"].forEach(function (k) {
            if (f[k]) { parts.push(k + "=" + f[k].map(function (v) { return v === null ? "" : v; }).join(",")); }
        });
        if (f.opportunities) { parts.push("opportunities=1"); }
        if (state.selected !== null) { parts.push("park=" + encodeURIComponent(state.selected)); }
        var c = map.getCenter();
        parts.push("view=" + c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom());
        var hash = "#" + parts.join("&");
        if (location.hash !== hash) {
            writing = true;
            history.replaceState(null, "", hash);
            writing = false;
            if (ready) { announce("stateChanged", {state: summary()}); }
        }
    }
    function readHash() {
        var params = {};
        location.hash.replace(/^#/, "").split("&").forEach(function (part) {
            var at_ = part.indexOf("=");
            if (at_ > 0) { params[part.slice(0, at_)] = decodeURIComponent(part.slice(at_ + 1)); }
        });
        var filter = {};
        ["sectors", "statuses", "towns"].forEach(function (k) {
            if (params[k]) { filter[k] = params[k].split(",").map(decodeURIComponent); }
        });
        ["investment", "years"].forEach(function (k) { if (params[k]) { filter[k] = params[k].split(","); } });
        if (params.opportunities) { filter.opportunities = params.opportunities; }
        if (params.lang && LANGS.indexOf(params.lang) >= 0) { state.language = params.lang; }
        document.documentElement.lang = state.language;
        document.title = plain(titleHtml());
        state.filter = clean(filter);
        apply();
        if (params.park && indexOf(params.park) >= 0) { focusPark(params.park); }
        if (params.view) {  // after the park, so the view is the one that was shared
            var v = params.view.split(",").map(Number);
            if (v.length === 3 && v.every(isFinite)) { map.setView([v[0], v[1]], v[2], {animate: false}); }
        }
    }
    window.addEventListener("hashchange", function () { if (!writing) { readHash(); } });

    var api = {setFilter: setFilter, setLanguage: setLanguage, focusPark: focusPark, getState: getState,
               resetFilter: function () { return setFilter({}); }, search: search, languages: LANGS.slice()};
    window.KunshanHeatmap = api;
    window.addEventListener("message", function (event) {
        var data = event.data;
        if (!data || data.type !== "kunshan-heatmap" || !data.command) { return; }
        var reply = {type: "kunshan-heatmap", id: data.id === undefined ? null : data.id, command: data.command};
        try {
            if (["setFilter", "setLanguage", "focusPark", "getState", "resetFilter", "search"]
                    .indexOf(data.command) < 0) {
                throw new Error("unknown command " + data.command);
            }
            reply.state = api[data.command].apply(null, data.args || []);
        } catch (error) {
            reply.error = String(error.message || error);
        }
        if (event.source && event.source.postMessage) { event.source.postMessage(reply, event.origin === "null" ? "*" : event.origin); }
    });
    // --- legends fold to their titles (and the density scale) on small screens; a click on a title toggles --
    var container = map.getContainer();
    container.classList.toggle("kh-folded", window.matchMedia("(max-width: 700px), (max-height: 560px)").matches);
    container.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest(".kh-legend h4, .kh-density-title")) {
            container.classList.toggle("kh-folded");
        }
    });

    document.documentElement.lang = state.language;
    readHash();
    ready = true;
    announce("ready", {state: summary()});  // a host may send commands from now on
})
