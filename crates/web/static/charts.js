/* Charts: every <div class="chart" data-chart="ID"> is drawn with ECharts
   from the figures the server wrote in <script type="application/json"
   id="ID-data"> (web::charts::Chart: kind, categories, series, units).
   The same figures stand in a table on the page. No inline scripts (CSP
   script-src 'self'). On the big screen (body[data-theme="dark"]) the dark
   theme is used. */
(function () {
  'use strict';

  var COLOURS = ['#b7202e', '#1d5aa0', '#e3a21a', '#2e8b57', '#7a4fa3', '#d2691e'];

  function fmt(unit) {
    return function (v) { return v === null || v === undefined ? '—' : v + (unit || ''); };
  }

  var KIND_COLOURS = { chain: '#b7202e', node: '#1d5aa0', org: '#6c757d', party_org: '#e3a21a' };

  function treeData(n) {
    return {
      name: n.name,
      href: n.href,
      children: n.children.map(treeData),
      itemStyle: { color: n.marked ? '#b7202e' : (KIND_COLOURS[n.kind] || '#6c757d'), borderColor: n.marked ? '#b7202e' : '#fff' },
      label: n.marked ? { color: '#b7202e', fontWeight: 'bold' } : undefined
    };
  }

  function option(c) {
    var base = {
      color: COLOURS,
      backgroundColor: 'transparent',
      tooltip: { trigger: c.kind === 'funnel' ? 'item' : 'axis', valueFormatter: fmt(c.unit) },
      legend: c.series.length > 1 ? { top: 0 } : undefined
    };
    if (c.kind === 'tree') {
      base.tooltip = { trigger: 'item' };
      base.series = [{
        type: 'tree', data: [treeData(c.tree)], orient: 'LR', left: 150, right: 260, top: 8, bottom: 8,
        initialTreeDepth: -1, expandAndCollapse: false, symbolSize: 8, roam: false,
        label: { position: 'left', verticalAlign: 'middle', align: 'right', fontSize: 12 },
        leaves: { label: { position: 'right', align: 'left' } }
      }];
      return base;
    }
    if (c.kind === 'funnel') {
      base.series = [{
        type: 'funnel', left: '10%', width: '80%', sort: 'none', minSize: '8%',
        label: { show: true, position: 'inside', formatter: '{b}：{c}' },
        data: c.categories.map(function (name, i) { return { name: name, value: c.series[0].data[i] }; })
      }];
      return base;
    }
    var horizontal = c.kind === 'hbar';
    var cat = { type: 'category', data: c.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var val = [{ type: 'value', name: c.unit, axisLabel: { formatter: '{value}' } }];
    if (c.right_unit) val.push({ type: 'value', name: c.right_unit, splitLine: { show: false } });
    if (horizontal) cat.inverse = true;
    base.grid = { left: horizontal ? 8 : 48, right: c.right_unit || horizontal ? 48 : 16, top: c.series.length > 1 ? 36 : 24, bottom: 8, containLabel: true };
    base.xAxis = horizontal ? val[0] : cat;
    base.yAxis = horizontal ? cat : val;
    base.series = c.series.map(function (s) {
      return {
        type: c.kind === 'line' || s.right ? 'line' : 'bar',
        name: s.name,
        data: s.data,
        yAxisIndex: !horizontal && s.right ? 1 : 0,
        tooltip: { valueFormatter: fmt(s.right ? c.right_unit : c.unit) },
        label: horizontal ? { show: true, position: 'right' } : undefined
      };
    });
    return base;
  }

  function draw() {
    if (!window.echarts) return;
    var theme = document.body.getAttribute('data-theme') === 'dark' ? 'dark' : null;
    document.querySelectorAll('.chart[data-chart]').forEach(function (box) {
      var el = document.getElementById(box.getAttribute('data-chart') + '-data');
      if (!el) return;
      var c;
      try { c = JSON.parse(el.textContent || '{}'); } catch (e) { return; }
      if (!c.categories || !c.categories.length) return;
      var chart = window.echarts.init(box, theme, { renderer: 'svg' });
      chart.setOption(option(c));
      chart.on('click', function (p) { if (p.data && p.data.href) window.location.href = p.data.href; });
      box.setAttribute('data-drawn', 'true');
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
