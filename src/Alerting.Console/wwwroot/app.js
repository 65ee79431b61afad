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
  notes: new Map(),    // key → note being typed
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
  if (old && !newer(ev, old)) { if (ev.review) old.review = ev.review; if (ev.escalatedAt) old.escalatedAt = ev.escalatedAt; scheduleRender(); return; }
  const item = { store: ev.store, entryId: ev.entryId, alert: ev.alert, review: ev.review || (old && old.review), escalatedAt: ev.escalatedAt || (old && old.escalatedAt) };
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
  if (item) { item.review = ev.review; if (ev.escalatedAt) item.escalatedAt = ev.escalatedAt; } else state.reviews.set(key, ev.review);
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
    $('connection').textContent = t('conn.live');
    $('connection').className = 'conn on';
  });
  es.onerror = () => {
    // EventSource reconnects by itself and sends Last-Event-ID; nothing is lost meanwhile.
    $('connection').textContent = t('conn.reconnecting');
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
  // Keep the inspector's typing: the focused note of a card is focused again in its new card.
  const active = document.activeElement;
  const typing = active && active.classList.contains('note') && active.closest('article.card');
  const caret = typing ? [typing.dataset.store, typing.dataset.alertId, active.selectionStart, active.selectionEnd] : null;
  $('feed').replaceChildren(...shown.map(card));
  if (caret) {
    const again = [...$('feed').querySelectorAll('article.card')].find(c => c.dataset.store === caret[0] && c.dataset.alertId === caret[1]);
    const input = again && again.querySelector('input.note');
    if (input) { input.focus(); input.setSelectionRange(caret[2], caret[3]); }
  }
  $('empty').hidden = shown.length > 0;
}

function card(item) {
  const a = item.alert, r = item.review || { state: 'open' };
  const key = keyOf(item.store, a.alertId);
  const node = $('card').content.firstElementChild.cloneNode(true);
  node.dataset.alertId = a.alertId;
  node.dataset.store = item.store;
  node.classList.add('sev-' + a.severity, 'state-' + r.state);
  if (a.status === 'resolved') node.classList.add('resolved');
  node.querySelector('.sev').textContent = sevLabel(a.severity);
  node.querySelector('.rule').textContent = ruleLabel(a.rule);
  node.querySelector('.status').textContent = a.status === 'resolved' ? t('card.resolved') : (a.revision ? t('card.revision', a.revision) : '');
  // Labels and data apart: data (ids, chat text, notes) carries the class "data".
  const data = (v) => el('span', { class: 'data' }, String(v ?? ''));
  node.querySelector('.meta').replaceChildren(data(item.store),
    ...(a.agentId ? [' · ' + t('card.agent') + ' ', data(a.agentId)] : []), ' · ' + t('card.conversation') + ' ', data(a.conversationId), ' · ' + fmtTime(a.eventTime));
  const escalatedAt = escalatedAtOf(item);
  if (escalatedAt) {
    node.classList.add('escalated');
    node.querySelector('.status').after(el('span', { class: 'escalated-badge', title: t('card.escalatedAt', fmtTime(escalatedAt)) }, t('card.escalated')));
  }
  node.querySelector('.state').replaceChildren(...stateLabel(r));
  node.querySelector('.summary').textContent = a.summary;
  node.querySelector('.evidence').replaceChildren(evidence(a));
  const panel = transcriptPanel(item, key);
  if (panel) node.querySelector('.evidence').after(panel);
  node.querySelector('.actions').replaceChildren(a.conversationId ? transcriptButton(item, key, scheduleRender) : '', ...actions(item, r));
  return node;
}

// Escalation (unclaimed past the store's limit) is marked by the server on the feed item; older
// servers put nothing, newer ones may carry it on the review state or the alert.
function escalatedAtOf(item) {
  return item.escalatedAt || (item.review && item.review.escalatedAt) || item.alert.escalatedAt || null;
}

function stateLabel(r) {
  const data = (v) => el('span', { class: 'data' }, String(v ?? ''));
  switch (r.state) {
    case 'claimed': return [t('st.claimed') + ' ', data(r.claimedBy)];
    case 'reviewed': return [(r.verdict.outcome === 'confirmed' ? t('st.confirmed') : t('st.falseAlarm')) + ' · ', data(r.verdict.by),
      ...(r.verdict.note ? [' · ', el('span', { class: 'data note' }, r.verdict.note)] : [])];
    case 'silenced': return [t('st.silenced')];
    default: return [t('st.open')];
  }
}

function actions(item, r) {
  const a = item.alert, mine = r.state === 'claimed' && r.claimedBy === state.me.name;
  if (r.state === 'reviewed' || r.state === 'silenced') return [];
  const out = [];
  if (r.state === 'open') out.push(el('button', { class: 'claim', onclick: () => post('/api/alerts/claim', { store: item.store, alertId: a.alertId }) }, t('act.claim')));
  if (mine) out.push(el('button', { class: 'release', onclick: () => post('/api/alerts/release', { store: item.store, alertId: a.alertId }) }, t('act.release')));
  if (r.state === 'open' || mine) {
    // The feed re-renders its cards on every event: a half-typed note is kept per alert until its verdict.
    const key = keyOf(item.store, a.alertId);
    const note = el('input', { class: 'note', placeholder: t('act.note'), maxlength: '2000', value: state.notes.get(key) || '',
      oninput: (e) => state.notes.set(key, e.target.value) });
    const ack = async (verdict) => {
      const r = await post('/api/alerts/ack', { store: item.store, alertId: a.alertId, entryId: item.entryId, verdict, note: note.value });
      if (r.ok) state.notes.delete(key);
    };
    out.push(note,
      el('button', { class: 'confirm', onclick: () => ack('confirmed') }, t('act.confirm')),
      el('button', { class: 'false-alarm', onclick: () => ack('false_alarm') }, t('act.falseAlarm')));
  }
  return out;
}

async function post(path, body) {
  const r = await api(path, { json: body });
  if (r.status === 409) {
    const b = await r.json();
    alert(b.outcome === 'taken' ? t('err.taken', b.owner) : t('err.done', b.outcome));
  } else if (!r.ok && r.status !== 204) {
    alert(t('err.failed', r.status));
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
    const t0 = c.total;
    const box = el('div', { class: 'meter' + (t0.coverage >= 1 ? ' full' : ''), 'data-store': store },
      el('h2', {}, store, ' ', el('small', {}, t('cov.today', c.window.timeZone))),
      el('div', { class: 'gauge' }, el('span', { class: 'fill', style: 'width:' + (t0.coverage * 100) + '%' })),
      el('p', { class: 'figures' }, el('b', { class: 'pct' }, pct(t0.coverage)), ' ' + t('cov.reviewed') + ' ', el('b', { class: 'reviewed' }, t0.reviewed),
        ' / ' + t('cov.raised') + ' ', el('b', { class: 'raised' }, t0.raised), t0.silenced ? ' ' + t('cov.silenced', t0.silenced) : '',
        ' · ' + t('cov.oldest'), el('b', { class: 'oldest' }, c.oldest ? fmtAge(c.oldest.ageSeconds) : '—'),
        Number.isInteger(c.pastLimit) && c.pastLimit > 0 ? el('span', { class: 'past-limit' }, ' · ', el('b', {}, t('cov.pastLimit', c.pastLimit))) : null),
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
    if (r.status === 204) alert(t('err.poolEmpty', store));
  });
  connect();
  loadCoverage();
  setInterval(loadCoverage, 10000); // the oldest-unreviewed age keeps growing while nothing happens
})();
