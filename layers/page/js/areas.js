// Module areas(townAreas, text, filters): each town area's tooltip: its name, that it is schematic, and the parks
// shown in it with their investment.
var esc = text.esc, t = text.t;

function tooltip(name, sum) {
    var html = "<b>" + esc(text.place(name)) + "</b> <i>(" + esc(t("area.schematic")) + ")</i><br>" +
        esc(t("area.parks")) + ": " + sum.count;
    if (sum.carrying) {
        html += "<br>" + esc(t("field.investment")) + ": " + esc(text.figure(sum.money, "money")) + " (" +
            sum.carrying + ")";
    }
    return html;
}
function update(drawn) {
    townAreas.eachLayer(function (layer) {
        var name = layer.feature.properties.name;
        layer.setTooltipContent(tooltip(name, drawn.totals[name] || {count: 0, money: 0, carrying: 0}));
    });
}
if (townAreas) { filters.listen(update); }

return {};
