// Lead page: calibration from verdicts, CSV export, silences, overview from the dashboard counters.
'use strict';

const $ = (id) => document.getElementById(id);

function windowQuery() {
  // Dates are days in Beijing time (the stores' zone); empty means today.
  const q = [];
  if ($('from').value) q.push('from=' + encodeURIComponent($('from').value + 'T00:00:00+08:00'));
  if ($('to').value) q.push('to=' + encodeURIComponent($('to').value + 'T00:00:00+08:00'));
  return q.length ? '&' + q.join('&') : '';
}

function table(headers, rows) {
  return el('table', {}, el('tr', {}, headers.map(h => el('th', {}, h))), rows);
}

function calibrationTable(title, lines, label) {
  if (!lines.length) return el('p', {}, title + ': —');
  return el('div', {}, el('h3', {}, title), table(['', '已审 reviewed', '确认 confirmed', '误报 false alarms', '误报率 rate', '误报告警 false-alarm alerts'],
    lines.map(l => el('tr', { 'data-key': l.key }, el('td', {}, label ? label(l.key) : l.key), el('td', {}, l.reviewed), el('td', {}, l.confirmed),
      el('td', {}, l.falseAlarms), el('td', { class: 'rate' }, pct(l.falseAlarmRate)), el('td', { class: 'ids' }, l.falseAlarmIds.join(' '))))));
}

async function load() {
  const store = $('store').value;
  const s = '?store=' + encodeURIComponent(store) + windowQuery();
  $('csv').href = '/api/verdicts.csv' + s;

  const cal = await (await api('/api/calibration' + s)).json();
  $('calibration').replaceChildren(
    calibrationTable('按规则 per rule', cal.rules, ruleLabel),
    calibrationTable('按命中词 per matched term', cal.terms),
    calibrationTable('按活动 per promotion', cal.promotions),
    calibrationTable('按客服 per agent (确认数用于辅导 confirmed counts for coaching)', cal.agents));

  const silences = await (await api('/api/silences?store=' + encodeURIComponent(store))).json();
  $('silences').replaceChildren(silences.length ? table(['类型 kind', '值 value', '规则 rule', '原因 reason', '创建 by', '到期 expires', ''],
    silences.map(x => el('tr', {}, el('td', {}, x.kind), el('td', {}, x.value), el('td', {}, x.rule || ''), el('td', {}, x.reason),
      el('td', {}, x.createdBy), el('td', {}, fmtTime(x.expiresAt)),
      el('td', {}, el('button', { onclick: async () => { await api('/api/silences/' + encodeURIComponent(store) + '/' + x.id, { method: 'DELETE' }); load(); } }, '解除 Lift')))))
    : el('p', {}, '无生效静默 No active silence.'));

  const ov = await (await api('/api/overview' + s)).json();
  const rules = Object.keys(ov.totals).filter(k => /^rule:[^:]+$/.test(k)).sort();
  const agents = Object.entries(ov.totals).filter(([k]) => /^agent:/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 10);
  $('overview').replaceChildren(
    el('p', {}, '合计 total ', el('b', {}, ov.totals.total || 0), ' · 已解除 resolved ' + (ov.totals.resolved || 0) + ' · 更新 revised ' + (ov.totals.revised || 0)),
    table(['小时 hour', '合计 total', ...rules.map(r => ruleLabel(r.slice(5)))],
      ov.hours.map(h => el('tr', {}, el('td', {}, fmtTime(h.hour)), el('td', {}, h.counts.total || 0), rules.map(r => el('td', {}, h.counts[r] || 0))))),
    el('h3', {}, '告警最多的客服 agents with most alerts'),
    table(['客服 agent', '告警 alerts'], agents.map(([k, n]) => el('tr', {}, el('td', {}, k.slice(6)), el('td', {}, n)))));
}

(async () => {
  const me = await loadMe();
  if (me.role !== 'lead') { location.href = '/'; return; }
  for (const s of me.stores) $('store').append(el('option', { value: s }, s));
  $('store').addEventListener('change', load);
  $('reload').addEventListener('click', load);
  $('silence-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('/api/silences', { json: {
      store: $('store').value, kind: $('s-kind').value, value: $('s-value').value, rule: $('s-rule').value || null,
      reason: $('s-reason').value, minutes: Number($('s-minutes').value) } });
    if (!r.ok) { alert((await r.json()).detail || r.status); return; }
    const b = await r.json();
    alert('已静默 silenced now: ' + b.silencedNow);
    load();
  });
  load();
})();
