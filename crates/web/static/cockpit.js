/* 领导驾驶舱: trend charts drawn with ECharts from the figures the server
   put in #cockpit-data (the same numbers as the cards and tables), and the
   print button. No inline scripts (CSP script-src 'self'). */
(function () {
  'use strict';

  function scaled(unit, v) {
    if (v === null || v === undefined) return null;
    if (unit === 'permille') return v / 10;          // %
    if (unit === 'money') return Math.round(v / 10000) / 100; // 万元
    return v;
  }

  function suffix(unit, label) {
    if (unit === 'permille') return '%';
    if (unit === 'money') return '万元';
    return label || '';
  }

  function draw() {
    var el = document.getElementById('cockpit-data');
    if (!el || !window.echarts) return;
    var data;
    try { data = JSON.parse(el.textContent || '[]'); } catch (e) { return; }
    var byCode = {};
    data.forEach(function (i) { byCode[i.code] = i; });
    document.querySelectorAll('.trend-chart[data-code]').forEach(function (box) {
      var i = byCode[box.getAttribute('data-code')];
      if (!i || !i.trend || !i.trend.length) return;
      var unit = suffix(i.unit, i.unit_label);
      var chart = window.echarts.init(box, null, { renderer: 'svg' });
      chart.setOption({
        grid: { left: 48, right: 12, top: 16, bottom: 28 },
        tooltip: { trigger: 'axis', valueFormatter: function (v) { return v === null || v === undefined ? '—' : v + unit; } },
        xAxis: { type: 'category', data: i.trend.map(function (t) { return t.label; }) },
        yAxis: { type: 'value', axisLabel: { formatter: '{value}' } },
        series: [{
          type: i.basis === 'stock' ? 'line' : 'bar',
          name: i.name,
          data: i.trend.map(function (t) { return scaled(i.unit, t.value); }),
          itemStyle: { color: '#0d6efd' }
        }]
      });
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }

  document.addEventListener('click', function (e) {
    var b = e.target.closest('[data-action="print"]');
    if (b) window.print();
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
