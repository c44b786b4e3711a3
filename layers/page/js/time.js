// Module time(config, text, filters): the year slider and playback: the parks as they were, year after year.
var esc = text.esc, t = text.t, years = config.years, playing = null;

function play() {  // up to all of the parks, a year every 1.2 s; a second click pauses
    if (!years) { return; }
    if (playing) { stop(); filters.redraw(); return; }
    var shown = filters.filter().years;
    var year = shown && shown[1] !== null && shown[1] < years[1] ? shown[1] : years[0];  // on from a paused or
    playing = setInterval(function () {                                                  // chosen year
        year += 1;
        if (year >= years[1]) { stop(); }
        filters.update({years: year >= years[1] ? null : [null, year]});
    }, 1200);
    filters.update({years: [null, year]});
}
function stop() { if (playing) { clearInterval(playing); playing = null; } }  // the reader's own choice wins
function choose(year) {  // the slider: the parks up to that year (all of them at the last)
    stop();
    filters.update({years: year >= years[1] ? null : [null, year]});
}
function html() {  // the slider, the year it shows and the play button
    if (!years) { return ""; }
    var f = filters.filter(), upto = f.years && f.years[1] !== null ? f.years[1] : years[1];
    return '<div class="kh-time"><span>' + esc(t("time.title")) + "</span> " +
        '<input type="range" data-kind="year" aria-label="' + esc(t("time.title")) + '" min="' + years[0] +
        '" max="' + years[1] + '" step="1" value="' + upto + '"> <span class="kh-year">' +
        esc(f.years ? text.fill(t("time.upto"), {year: upto}) : t("time.all")) + "</span> " +
        '<button type="button" data-kind="play" aria-pressed="' + (playing ? "true" : "false") + '">' +
        esc(t(playing ? "time.pause" : "time.play")) + "</button></div>";
}

return {play: play, stop: stop, choose: choose, html: html};
