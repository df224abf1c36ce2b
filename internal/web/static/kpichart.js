// kpichart.js draws a KPI's chart from the figures the page embeds (the
// table beside it holds the same figures), and offers it as a PNG.
(function () {
  var box = document.getElementById('chart');
  var data = document.getElementById('chart-data');
  if (!box || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  var at = {};
  d.periods.forEach(function (p, i) { at[p] = i; });
  // Okabe and Ito's colours, told apart by people with colour blindness;
  // a dimension's target and required path take its line's colour and name
  // (so one legend entry shows or hides all three).
  var palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
  var colour = {};
  var series = d.lines.map(function (l, i) {
    colour[l.name] = palette[i % palette.length];
    return {name: l.name, type: 'line', connectNulls: true, data: l.values, symbolSize: 6, color: colour[l.name]};
  });
  d.paths.forEach(function (p) {
    var v = d.periods.map(function () { return null; });
    v[at[p.from.period]] = p.from.value;
    v[at[p.to.period]] = p.to.value;
    series.push({name: p.name, type: 'line', connectNulls: true, data: v, color: colour[p.name],
      symbol: 'none', lineStyle: {type: 'dashed', width: 1}, tooltip: {show: false}});
  });
  d.targets.forEach(function (t) {
    var v = d.periods.map(function () { return null; });
    v[at[t.period]] = t.value;
    series.push({name: t.name, type: 'scatter', symbol: 'diamond', symbolSize: 14, data: v, color: colour[t.name]});
  });
  var chart = echarts.init(box, null, {renderer: 'canvas'});
  chart.setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {top: 0, type: 'scroll', data: d.lines.map(function (l) { return l.name; })},
    grid: {left: 60, right: 20, top: 50, bottom: 30},
    xAxis: {type: 'category', data: d.periods},
    yAxis: {type: 'value', name: d.unit || '', scale: true},
    series: series
  });
  // Printed, the drawn canvas is scaled to the page by the print
  // stylesheet; redrawing it for the print layout would lose it.
  var printing = window.matchMedia('print');
  window.addEventListener('resize', function () { if (!printing.matches) chart.resize(); });
  var button = document.getElementById('png');
  if (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var a = document.createElement('a');
      a.href = chart.getDataURL({type: 'png', pixelRatio: 2, backgroundColor: '#fff'});
      a.download = d.file;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }
})();
