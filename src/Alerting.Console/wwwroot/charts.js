// The lead page's charts as inline SVG built here (no external script): alerts per hour stacked by
// rule, and review coverage per hour. Colours are SVG presentation attributes (allowed by the CSP,
// unlike style attributes); every label is set as text.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PALETTE = ['#c8102e', '#e8590c', '#d9a400', '#2f9e44', '#3b82c4', '#7b2cbf', '#0c8599', '#a61e4d', '#5c940d', '#495057', '#f08c00', '#1864ab', '#862e9c'];

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** Every UTC hour start (ms) from the window's first to its last hour, at most 7 × 24. */
function hoursOf(fromIso, toIso) {
  const h = 3600000, out = [];
  const from = Math.floor(Date.parse(fromIso) / h) * h, to = Date.parse(toIso);
  for (let x = from; x < to && out.length < 168; x += h) out.push(x);
  return out;
}

function hourLabel(ms) {
  return new Date(ms).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hour12: false });
}

function colourOf(rules, rule) { return PALETTE[rules.indexOf(rule) % PALETTE.length]; }

const W = 720, H = 200, PAD = { l: 36, r: 8, t: 10, b: 26 };

function axes(hours, max, yLabel) {
  const g = svg('g', { class: 'axes' });
  const plotH = H - PAD.t - PAD.b, plotW = W - PAD.l - PAD.r;
  for (const f of [0, 0.5, 1]) {
    const y = PAD.t + plotH * (1 - f);
    g.append(svg('line', { x1: PAD.l, x2: W - PAD.r, y1: y, y2: y, stroke: '#dde1e8' }),
      svg('text', { x: PAD.l - 4, y: y + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#687083' }, yLabel(max * f)));
  }
  const step = Math.max(1, Math.ceil(hours.length / 24));
  hours.forEach((ms, i) => {
    if (i % step) return;
    g.append(svg('text', { x: PAD.l + plotW * (i + 0.5) / hours.length, y: H - 8, 'text-anchor': 'middle', 'font-size': 10, fill: '#687083' }, hourLabel(ms)));
  });
  return g;
}

/** Stacked bars: per hour of the window, the alerts of each rule (from the overview's rule:<name> counters). */
function rulesChart(ov) {
  const hours = hoursOf(ov.window.from, ov.window.to);
  const rules = Object.keys(ov.totals).filter(k => /^rule:[^:]+$/.test(k)).map(k => k.slice(5)).sort();
  const byHour = new Map(ov.hours.map(b => [Date.parse(b.hour), b.counts]));
  const max = Math.max(1, ...hours.map(h => rules.reduce((n, r) => n + ((byHour.get(h) || {})['rule:' + r] || 0), 0)));
  const plotH = H - PAD.t - PAD.b, bw = (W - PAD.l - PAD.r) / Math.max(1, hours.length);
  const chart = svg('svg', { class: 'chart chart-rules', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('ov.chart') });
  chart.append(axes(hours, max, v => String(Math.round(v))));
  hours.forEach((h, i) => {
    let y = PAD.t + plotH;
    const counts = byHour.get(h) || {};
    for (const r of rules) {
      const n = counts['rule:' + r] || 0;
      if (!n) continue;
      const bh = plotH * n / max;
      y -= bh;
      chart.append(svg('rect', { class: 'bar', 'data-rule': r, 'data-hour': new Date(h).toISOString(), 'data-count': n,
        x: PAD.l + i * bw + 1, y, width: Math.max(1, bw - 2), height: bh, fill: colourOf(rules, r) },
        svg('title', {}, hourLabel(h) + ' · ' + ruleLabel(r) + ': ' + n)));
    }
  });
  const legend = el('ul', { class: 'legend' }, rules.map(r =>
    el('li', {}, el('span', { class: 'swatch', style: 'background:' + colourOf(rules, r) }), ruleLabel(r) + ' ' + ov.totals['rule:' + r])));
  return el('figure', { class: 'chart-box' }, el('figcaption', {}, t('ov.chart')), rules.length ? chart : el('p', { class: 'muted' }, t('ov.noData')), legend);
}

/** Bars of review coverage per hour of chat time, the number of alerts of the hour above each bar. */
function coverageChart(hc) {
  const hours = hoursOf(hc.window.from, hc.window.to);
  const byHour = new Map(hc.hours.map(b => [Date.parse(b.hour), b]));
  const plotH = H - PAD.t - PAD.b, bw = (W - PAD.l - PAD.r) / Math.max(1, hours.length);
  const chart = svg('svg', { class: 'chart chart-coverage', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('ov.coverage') });
  chart.append(axes(hours, 1, v => Math.round(v * 100) + '%'));
  hours.forEach((h, i) => {
    const b = byHour.get(h);
    if (!b || !b.raised) return;
    const bh = Math.max(2, plotH * b.coverage), x = PAD.l + i * bw + 1;
    chart.append(
      svg('rect', { class: 'bar', 'data-hour': new Date(h).toISOString(), 'data-coverage': b.coverage, x, y: PAD.t + plotH - bh, width: Math.max(1, bw - 2), height: bh,
        fill: b.coverage >= 1 ? '#2f9e44' : '#e8590c' }, svg('title', {}, hourLabel(h) + ' · ' + pct(b.coverage) + ' (' + b.reviewed + '/' + (b.raised - b.silenced) + ')')),
      svg('text', { x: x + bw / 2 - 1, y: PAD.t + plotH - bh - 2, 'text-anchor': 'middle', 'font-size': 9, fill: '#1d2330' }, String(b.raised)));
  });
  return el('figure', { class: 'chart-box' }, el('figcaption', {}, t('ov.coverage')), hc.hours.length ? chart : el('p', { class: 'muted' }, t('ov.noData')));
}
