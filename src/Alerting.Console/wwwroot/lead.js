// Lead page: what happened (charts and tables by chat time, opening on the day of the store's newest
// alert), calibration from verdicts, CSV export, suggested rule changes, silences.
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

function nextDay(day) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Opens the page on the day of the store's newest alert (by chat time), not on wall-clock today. */
async function defaultRange() {
  const r = await api('/api/alert-range?store=' + encodeURIComponent($('store').value));
  const range = r.ok ? await r.json() : {};
  if (range.day) {
    $('from').value = range.day;
    $('to').value = nextDay(range.day);
    $('range-note').textContent = t('lead.range', range.day);
  } else {
    $('from').value = '';
    $('to').value = '';
    $('range-note').textContent = t('lead.rangeNone');
  }
}

function calibrationTable(title, lines, label) {
  if (!lines.length) return el('p', {}, title + ': —');
  return el('div', {}, el('h3', {}, title), table(['', t('lead.reviewedCol'), t('lead.confirmedCol'), t('lead.falseCol'), t('lead.rateCol'), t('lead.falseIds')],
    lines.map(l => el('tr', { 'data-key': l.key }, el('td', { class: label ? '' : 'data' }, label ? label(l.key) : l.key), el('td', {}, l.reviewed), el('td', {}, l.confirmed),
      el('td', {}, l.falseAlarms), el('td', { class: 'rate' }, pct(l.falseAlarmRate)), el('td', { class: 'ids data' }, l.falseAlarmIds.join(' '))))));
}

async function loadOverview(store, s) {
  const [ov, hc] = await Promise.all([
    api('/api/overview' + s).then(r => r.json()),
    api('/api/hourly-coverage' + s).then(r => r.json())]);
  $('charts').replaceChildren(rulesChart(ov), coverageChart(hc));
  const rules = Object.keys(ov.totals).filter(k => /^rule:[^:]+$/.test(k)).sort();
  const agents = Object.entries(ov.totals).filter(([k]) => /^agent:/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 10);
  const cov = new Map(hc.hours.map(h => [Date.parse(h.hour), h]));
  $('overview').replaceChildren(
    el('p', {}, t('ov.total') + ' ', el('b', { class: 'total' }, ov.totals.total || 0), ' · ' + t('ov.resolved') + ' ' + (ov.totals.resolved || 0) + ' · ' + t('ov.revised') + ' ' + (ov.totals.revised || 0)),
    table([t('ov.hour'), t('ov.total'), ...rules.map(r => ruleLabel(r.slice(5))), t('ov.reviewedCol'), t('ov.coverageCol')],
      ov.hours.map(h => {
        const c = cov.get(Date.parse(h.hour));
        return el('tr', {}, el('td', {}, fmtTime(h.hour)), el('td', {}, h.counts.total || 0), rules.map(r => el('td', {}, h.counts[r] || 0)),
          el('td', {}, c ? c.reviewed + '/' + (c.raised - c.silenced) : '—'), el('td', {}, c ? pct(c.coverage) : '—'));
      })),
    el('h3', {}, t('ov.topAgents')),
    table([t('ov.agent'), t('ov.alerts')], agents.map(([k, n]) => el('tr', {}, el('td', { class: 'data' }, k.slice(6)), el('td', {}, n)))));
}

async function loadSilences(store) {
  const silences = await (await api('/api/silences?store=' + encodeURIComponent(store))).json();
  $('silences').replaceChildren(silences.length ? table([t('sil.kind'), t('sil.value'), t('sil.rule'), t('sil.reason'), t('sil.by'), t('sil.expires'), ''],
    silences.map(x => el('tr', {}, el('td', {}, t('sil.' + x.kind)), el('td', { class: 'data' }, x.value), el('td', {}, x.rule ? ruleLabel(x.rule) : ''), el('td', { class: 'data' }, x.reason),
      el('td', { class: 'data' }, x.createdBy), el('td', {}, fmtTime(x.expiresAt)),
      el('td', {}, el('button', { onclick: async () => { await api('/api/silences/' + encodeURIComponent(store) + '/' + x.id, { method: 'DELETE' }); load(); } }, t('sil.lift'))))))
    : el('p', {}, t('sil.none')));
}

async function load() {
  const store = $('store').value;
  const s = '?store=' + encodeURIComponent(store) + windowQuery();
  $('csv').href = '/api/verdicts.csv' + s;

  const cal = await (await api('/api/calibration' + s)).json();
  $('calibration').replaceChildren(
    calibrationTable(t('lead.perRule'), cal.rules, ruleLabel),
    calibrationTable(t('lead.perTerm'), cal.terms),
    calibrationTable(t('lead.perPromo'), cal.promotions),
    calibrationTable(t('lead.perAgent'), cal.agents));
  await loadSuggestions(store, s);
  await Promise.all([loadSilences(store), loadOverview(store, s)]);
}

(async () => {
  const me = await loadMe();
  if (me.role !== 'lead') { location.href = '/'; return; }
  for (const s of me.stores) $('store').append(el('option', { value: s }, s));
  $('store').addEventListener('change', async () => { await defaultRange(); load(); });
  $('reload').addEventListener('click', () => { $('range-note').textContent = ''; load(); });
  $('silence-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('/api/silences', { json: {
      store: $('store').value, kind: $('s-kind').value, value: $('s-value').value, rule: $('s-rule').value || null,
      reason: $('s-reason').value, minutes: Number($('s-minutes').value) } });
    if (!r.ok) { alert((await r.json()).detail || r.status); return; }
    const b = await r.json();
    alert(t('sil.done', b.silencedNow));
    load();
  });
  await defaultRange();
  load();
})();
