// The live feed: one EventSource on /api/feed. The server sends a catch-up from the store streams,
// then new alerts and review changes; the event id is the server's cursor, so the browser's own
// reconnect (Last-Event-ID) resumes without loss. The highest revision of an alertId is current.
'use strict';

const state = {
  me: null,
  alerts: new Map(),   // key store|alertId → { store, entryId, alert, review }
  reviews: new Map(),  // review states that arrived before their alert
  coverage: new Map(), // store → coverage
  seenCritical: new Set(),
  live: false,
};

const $ = (id) => document.getElementById(id);
const keyOf = (store, alertId) => store + '|' + alertId;

function newer(a, b) {
  // true when entry a supersedes entry b: higher revision, or same revision later in the stream.
  const ra = a.alert.revision || 0, rb = b.alert.revision || 0;
  return ra !== rb ? ra > rb : idCmp(a.entryId, b.entryId) > 0;
}

function onAlert(ev) {
  const key = keyOf(ev.store, ev.alert.alertId);
  const old = state.alerts.get(key);
  if (old && !newer(ev, old)) { if (ev.review) old.review = ev.review; scheduleRender(); return; }
  const item = { store: ev.store, entryId: ev.entryId, alert: ev.alert, review: ev.review || (old && old.review) };
  if (state.reviews.has(key)) { item.review = state.reviews.get(key); state.reviews.delete(key); }
  item.firstSeen = old ? old.firstSeen : ev.entryId;
  state.alerts.set(key, item);
  if (state.live && ev.alert.severity === 'critical' && !state.seenCritical.has(key)) beep();
  if (ev.alert.severity === 'critical') state.seenCritical.add(key);
  scheduleRender();
  scheduleCoverage();
}

function onReview(ev) {
  const key = keyOf(ev.store, ev.alertId);
  const item = state.alerts.get(key);
  if (item) item.review = ev.review; else state.reviews.set(key, ev.review);
  scheduleRender();
  scheduleCoverage();
}

function connect() {
  const es = new EventSource('/api/feed');
  es.addEventListener('alert', (m) => onAlert(JSON.parse(m.data)));
  es.addEventListener('review', (m) => onReview(JSON.parse(m.data)));
  // The server ends the feed when the session ended (logout elsewhere, lifetime, user removed): log in again.
  es.addEventListener('session-ended', () => { es.close(); location.href = '/login.html'; });
  es.addEventListener('caughtup', () => {
    state.live = true;
    $('connection').textContent = '实时 live';
    $('connection').className = 'conn on';
  });
  es.onerror = () => {
    // EventSource reconnects by itself and sends Last-Event-ID; nothing is lost meanwhile.
    $('connection').textContent = '重连中 reconnecting…';
    $('connection').className = 'conn off';
    if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  };
}

// ---- rendering ----

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; render(); });
}

function filters() {
  return {
    store: $('f-store').value, rule: $('f-rule').value, severity: $('f-severity').value,
    agent: $('f-agent').value.trim(), state: $('f-state').value,
  };
}

function matches(item, f, ignoreRule) {
  const a = item.alert, r = item.review || { state: 'open' };
  if (f.store && item.store !== f.store) return false;
  if (!ignoreRule && f.rule && a.rule !== f.rule) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.agent && !(a.agentId || '').includes(f.agent)) return false;
  if (f.state === 'todo' && !(r.state === 'open' || r.state === 'claimed')) return false;
  if (f.state === 'mine' && !(r.state === 'claimed' && r.claimedBy === state.me.name)) return false;
  if (f.state === 'reviewed' && r.state !== 'reviewed') return false;
  if (f.state === 'silenced' && r.state !== 'silenced') return false;
  return true;
}

function render() {
  const f = filters();
  const all = [...state.alerts.values()];
  // Counts per rule of distinct alerts under the other filters.
  const counts = new Map();
  for (const item of all) if (matches(item, f, true)) counts.set(item.alert.rule, (counts.get(item.alert.rule) || 0) + 1);
  const ruleSelect = $('f-rule');
  for (const rule of counts.keys()) {
    if (![...ruleSelect.options].some(o => o.value === rule)) ruleSelect.append(el('option', { value: rule }, ruleLabel(rule)));
  }
  $('rule-counts').replaceChildren(...[...counts.entries()].sort().map(([rule, n]) =>
    el('button', { class: 'count' + (f.rule === rule ? ' on' : ''), 'data-rule': rule, onclick: () => { ruleSelect.value = f.rule === rule ? '' : rule; render(); } },
      ruleLabel(rule) + ' ', el('b', {}, n))));

  const shown = all.filter(i => matches(i, f)).sort((a, b) => idCmp(b.firstSeen, a.firstSeen)).slice(0, 300);
  $('feed').replaceChildren(...shown.map(card));
  $('empty').hidden = shown.length > 0;
}

function card(item) {
  const a = item.alert, r = item.review || { state: 'open' };
  const node = $('card').content.firstElementChild.cloneNode(true);
  node.dataset.alertId = a.alertId;
  node.dataset.store = item.store;
  node.classList.add('sev-' + a.severity, 'state-' + r.state);
  if (a.status === 'resolved') node.classList.add('resolved');
  node.querySelector('.sev').textContent = a.severity;
  node.querySelector('.rule').textContent = ruleLabel(a.rule);
  node.querySelector('.status').textContent = a.status === 'resolved' ? '已解除 resolved' : (a.revision ? '第 ' + a.revision + ' 版 rev ' + a.revision : '');
  node.querySelector('.meta').textContent = [item.store, a.agentId ? '客服 ' + a.agentId : null, '会话 ' + a.conversationId, fmtTime(a.eventTime)].filter(Boolean).join(' · ');
  node.querySelector('.state').textContent = stateLabel(r);
  node.querySelector('.summary').textContent = a.summary;
  node.querySelector('.evidence').replaceChildren(evidence(a));
  node.querySelector('.actions').replaceChildren(...actions(item, r));
  return node;
}

function stateLabel(r) {
  switch (r.state) {
    case 'claimed': return '处理中 claimed by ' + r.claimedBy;
    case 'reviewed': return (r.verdict.outcome === 'confirmed' ? '✔ 确认 confirmed' : '✘ 误报 false alarm') + ' · ' + r.verdict.by + (r.verdict.note ? ' · ' + r.verdict.note : '');
    case 'silenced': return '已静默 silenced';
    default: return '待审 to review';
  }
}

function evidence(a) {
  const ev = a.evidence || {};
  switch (a.rule) {
    case 'rude_language': return highlighted(ev.text || '', ev.matches || []);
    case 'forbidden_claim': return el('p', {}, '违规词 terms: ', ...(ev.matches || []).map(m => el('mark', {}, m.term)));
    case 'wrong_promo_answer': {
      const rows = (ev.findings || [ev]).map(x => el('tr', {}, el('td', {}, x.promotion || ''), el('td', {}, x.kind || ''),
        el('td', { class: 'expected' }, x.expected || ''), el('td', { class: 'stated' }, x.statedText || x.stated || '')));
      return el('table', { class: 'promo' }, el('tr', {}, el('th', {}, '活动 promotion'), el('th', {}, '项 kind'), el('th', {}, '应为 expected'), el('th', {}, '客服说 stated')), rows);
    }
    case 'slow_response': return delay(ev.delaySeconds, ev.thresholdSeconds, ev.firstResponse ? '首响 first response' : '响应 response');
    case 'unanswered_buyer': {
      const d = delay(ev.waitedSeconds, ev.thresholdSeconds, '买家等待 waited (' + (ev.buyerMessages || 1) + ' 条 messages)');
      if (ev.answeredBy) d.append(el('p', {}, '已由 ' + ev.answeredBy + ' 于 ' + fmtTime(ev.answeredAt) + ' 回复 answered'));
      return d;
    }
    case 'batch_wrong_promo_answer': {
      const table = evidence({ rule: 'wrong_promo_answer', evidence: ev });
      return el('div', { class: 'batch' }, table,
        el('p', {}, '同一话术 same wrong template: ', el('b', {}, String(ev.messageCount ?? '')), ' 条 messages · ',
          el('b', {}, String(ev.agentCount ?? '')), ' 位客服 agents · ', el('b', {}, String(ev.conversationCount ?? '')), ' 个会话 conversations · ',
          '首次 first seen ', fmtTime(ev.firstSeen), ' · 最近 last ', fmtTime(ev.lastSeen)),
        el('p', { class: 'agents' }, '客服 agents: ', ...(ev.agents || []).map(x => el('span', { class: 'agent' }, x))));
    }
    case 'agent_response_rate_low': {
      const pct = v => v == null ? '–' : (Math.round(v * 1000) / 10) + '%';
      const target = (v, show) => v ? show(v) : '— 未启用 off';
      const below = new Set(ev.below || []);
      const row = (key, label, value, target) => el('tr', { class: below.has(key) ? 'below' : '' },
        el('td', {}, label), el('td', {}, value), el('td', {}, target));
      return el('div', {},
        el('p', {}, '窗口 window ', fmtTime(ev.windowStart), ' – ', fmtTime(ev.windowEnd), ' · ', String(ev.waits ?? 0), ' 次等待 waits, ',
          String(ev.buyerMessages ?? 0), ' 条买家消息 buyer messages'),
        el('table', { class: 'rates' },
          el('tr', {}, el('th', {}, '指标 measure'), el('th', {}, '实际 actual'), el('th', {}, '目标 target')),
          row('response_rate', (ev.responseSeconds ?? 30) + '秒应答率 response rate', pct(ev.responseRate), target(ev.minResponseRate, pct)),
          row('reply_rate', '回复率 reply rate', pct(ev.replyRate), target(ev.minReplyRate, pct)),
          row('answer_ratio', '答问比 answer ratio', ev.answerRatio == null ? '–' : String(ev.answerRatio), target(ev.minAnswerRatio, String))));
    }
    default: return el('pre', {}, JSON.stringify(ev, null, 1));
  }
}

// The rude words highlighted in the agent's message: evidence.matches[].start/length are UTF-16
// offsets into evidence.text, the same unit as JavaScript strings.
function highlighted(text, matchList) {
  const p = el('p', { class: 'message' });
  const spans = matchList.filter(m => Number.isInteger(m.start) && m.length > 0).sort((x, y) => x.start - y.start);
  let at = 0;
  for (const m of spans) {
    if (m.start < at || m.start + m.length > text.length) continue;
    p.append(text.slice(at, m.start), el('mark', { title: (m.term || '') + ' · ' + (m.category || '') }, text.substr(m.start, m.length)));
    at = m.start + m.length;
  }
  p.append(text.slice(at));
  return p;
}

function delay(measured, threshold, label) {
  const ratio = threshold ? Math.min(measured / threshold, 4) : 1;
  return el('div', { class: 'delay' },
    el('span', {}, label + ': ', el('b', {}, (Math.round(measured * 10) / 10) + ' s'), ' / 阈值 threshold ' + threshold + ' s'),
    el('span', { class: 'bar' }, el('span', { class: 'fill', style: 'width:' + (ratio * 25) + '%' }), el('span', { class: 'mark' })));
}

function actions(item, r) {
  const a = item.alert, mine = r.state === 'claimed' && r.claimedBy === state.me.name;
  if (r.state === 'reviewed' || r.state === 'silenced') return [];
  const out = [];
  if (r.state === 'open') out.push(el('button', { class: 'claim', onclick: () => post('/api/alerts/claim', { store: item.store, alertId: a.alertId }) }, '认领 Claim'));
  if (mine) out.push(el('button', { class: 'release', onclick: () => post('/api/alerts/release', { store: item.store, alertId: a.alertId }) }, '放回 Release'));
  if (r.state === 'open' || mine) {
    const note = el('input', { class: 'note', placeholder: '备注 note', maxlength: '2000' });
    const ack = (verdict) => post('/api/alerts/ack', { store: item.store, alertId: a.alertId, entryId: item.entryId, verdict, note: note.value });
    out.push(note,
      el('button', { class: 'confirm', onclick: () => ack('confirmed') }, '确认 Confirm'),
      el('button', { class: 'false-alarm', onclick: () => ack('false_alarm') }, '误报 False alarm'));
  }
  return out;
}

async function post(path, body) {
  const r = await api(path, { json: body });
  if (r.status === 409) {
    const b = await r.json();
    alert(b.outcome === 'taken' ? '已被 ' + b.owner + ' 认领 Claimed by ' + b.owner : '已处理 Already ' + b.outcome);
  } else if (!r.ok && r.status !== 204) {
    alert('失败 Failed: ' + r.status);
  }
  return r;
}

// ---- coverage ----

let coverageTimer = null;
function scheduleCoverage() {
  if (coverageTimer) return;
  coverageTimer = setTimeout(() => { coverageTimer = null; loadCoverage(); }, 300);
}

async function loadCoverage() {
  const boxes = [];
  for (const store of state.me.stores) {
    const r = await api('/api/coverage?store=' + encodeURIComponent(store));
    if (!r.ok) continue;
    const c = await r.json();
    const t = c.total;
    const box = el('div', { class: 'meter' + (t.coverage >= 1 ? ' full' : ''), 'data-store': store },
      el('h2', {}, store, ' ', el('small', {}, '今日 today (' + c.window.timeZone + ')')),
      el('div', { class: 'gauge' }, el('span', { class: 'fill', style: 'width:' + (t.coverage * 100) + '%' })),
      el('p', { class: 'figures' }, el('b', { class: 'pct' }, pct(t.coverage)), ' 已审 reviewed ', el('b', { class: 'reviewed' }, t.reviewed),
        ' / 告警 raised ', el('b', { class: 'raised' }, t.raised), t.silenced ? ' (静默 silenced ' + t.silenced + ')' : '',
        ' · 最久未审 oldest unreviewed: ', el('b', { class: 'oldest' }, c.oldest ? fmtAge(c.oldest.ageSeconds) : '—')),
      el('p', { class: 'per-rule' }, ...c.rules.map(x => el('span', {}, ruleLabel(x.rule) + ' ' + x.reviewed + '/' + x.raised + ' '))));
    boxes.push(box);
  }
  $('coverage').replaceChildren(...boxes);
}

// ---- sound for critical alerts (optional, off by default; browsers allow audio only after a click) ----

let audio = null;
function beep() {
  if (!$('f-sound').checked) return;
  audio = audio || new AudioContext();
  const o = audio.createOscillator(), g = audio.createGain();
  o.frequency.value = 880; g.gain.value = 0.15;
  o.connect(g).connect(audio.destination);
  o.start(); o.stop(audio.currentTime + 0.25);
}

// ---- start ----

(async () => {
  state.me = await loadMe();
  for (const s of state.me.stores) $('f-store').append(el('option', { value: s }, s));
  for (const id of ['f-store', 'f-rule', 'f-severity', 'f-state']) $(id).addEventListener('change', render);
  $('f-agent').addEventListener('input', render);
  $('claim-next').addEventListener('click', async () => {
    const store = $('f-store').value || state.me.stores[0];
    const r = await post('/api/alerts/claim-next', { store });
    if (r.status === 204) alert('池中暂无待审告警 Nothing left in the pool of ' + store);
  });
  connect();
  loadCoverage();
  setInterval(loadCoverage, 10000); // the oldest-unreviewed age keeps growing while nothing happens
})();
