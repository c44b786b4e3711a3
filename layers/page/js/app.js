// Module app(config, parks, map, parkLayers, heat, townAreas, outline, densityLayer, densityLegend, legend, control,
// names): the investor app. Each module takes the page's inputs or what a module before it returned, by the names
// its first line gives (layers.page.app checks it), and returns what the modules after it use.
var text = textModule(config, parks);
var ui = uiModule(config, map);
var card = cardModule(config, parks, text);
var markers = markersModule(map, parks, parkLayers, text, card);
var filters = filtersModule(config, parks, map, heat, text, markers);
var search = searchModule(parks, map, text, markers, filters);
var time = timeModule(config, text, filters);
var programme = programmeModule(config, parks, text);
areasModule(townAreas, text, filters);
var density = densityModule(map, parks, densityLayer, densityLegend, text, markers, filters);
legendsModule(config, map, control, names, legend, outline, text, filters, density);
var api = apiModule(parks, map, text, filters, search, time, ui);
panelModule(config, parks, map, text, card, filters, search, time, programme, api, ui);
api.start();
