// The loop back to the rules, on the lead page: each false-alarm verdict of the window with, in one
// step, a silence (the existing silences) or a suggested rule change whose config layer file the
// lead downloads for ops; the suggestions below with whether they were taken and whether the case
// fired again since.
'use strict';

const KIND_OF_RULE = { rude_language: 'whitelist', forbidden_claim: 'allow', wrong_promo_answer: 'alias', batch_wrong_promo_answer: 'alias' };

// A starting phrase for the lead to edit: the match and the characters right after it in the agent's text.
function proposedPhrase(v, ev) {
  const m = ev && Array.isArray(ev.matches) ? ev.matches.find(x => Number.isInteger(x.start) && x.length > 0) : null;
  if (m && typeof ev.text === 'string' && m.start + m.length <= ev.text.length) return ev.text.substr(m.start, Math.min(ev.text.length - m.start, m.length + 2));
  return (v.terms && v.terms[0]) || '';
}

function falseAlarmRow(store, item) {
  const v = item.verdict, ev = item.evidence || {}, kind = KIND_OF_RULE[v.rule];
  const term = v.terms && v.terms[0], promotion = v.promotions && v.promotions[0];
  const result = el('span', { class: 'sg-result' });
  const cells = [];
  if (term || promotion) {
    cells.push(el('button', { class: 'sg-silence', onclick: async () => {
      const r = await api('/api/silences', { json: { store, kind: term ? 'term' : 'promotion', value: term || promotion, rule: v.rule,
        reason: t('st.falseAlarm') + ' ' + v.alertId, minutes: 60 } });
      result.textContent = r.ok ? t('sil.done', (await r.json()).silencedNow) : t('err.failed', r.status);
      if (r.ok) loadSilences(store);
    } }, term ? t('sil.forAlert') : t('sil.forPromo')));
  }
  if (kind) {
    const phrase = el('input', { class: 'sg-phrase', value: kind === 'alias' ? '' : proposedPhrase(v, ev), size: 16, maxlength: 64,
      placeholder: kind === 'alias' ? t('sg.aliasOf') : t('sg.phrase') });
    const promo = kind === 'alias' ? el('input', { class: 'sg-promotion', value: promotion || '', size: 12, placeholder: t('sg.promotion') }) : null;
    cells.push(el('label', {}, t(kind === 'alias' ? 'sg.alias' : 'sg.whitelist') + ' ', phrase), promo,
      el('button', { class: 'sg-create', onclick: async () => {
        const r = await api('/api/suggestions', { json: { store, alertId: v.alertId, kind, phrase: phrase.value, promotion: promo ? promo.value : null } });
        if (!r.ok) { result.textContent = (await r.json().catch(() => ({}))).detail || t('err.failed', r.status); return; }
        const b = await r.json();
        result.replaceChildren(t('sg.created') + ' ', layerLink(store, b.suggestion));
        loadSuggestionList(store);
      } }, t('sg.create')));
  }
  return el('tr', { 'data-alert-id': v.alertId },
    el('td', {}, ruleLabel(v.rule)), el('td', { class: 'data' }, term || promotion || ''), el('td', { class: 'data' }, v.summary), el('td', { class: 'data' }, v.note || ''), el('td', { class: 'data' }, v.by),
    el('td', { class: 'sg-actions' }, cells, result));
}

function layerLink(store, s) {
  return el('a', { class: 'sg-download', href: '/api/suggestions/' + encodeURIComponent(store) + '/' + encodeURIComponent(s.id) + '/layer', download: s.fileName || '' }, t('sg.download'));
}

let lastSuggestions = [];

async function loadSuggestionList(store) {
  const r = await api('/api/suggestions?store=' + encodeURIComponent(store));
  lastSuggestions = r.ok ? await r.json() : [];
  const box = document.getElementById('suggestion-list');
  if (!box) return;
  box.replaceChildren(lastSuggestions.length ? el('table', { class: 'suggestions' },
    el('tr', {}, [t('sg.kind'), t('sg.value'), t('sg.rule'), t('sg.alert'), t('sg.by'), t('sg.at'), t('sg.status'), ''].map(h => el('th', {}, h))),
    lastSuggestions.map(({ suggestion: s, firedSinceTaken: fired }) => el('tr', { 'data-id': s.id, class: s.takenAt ? 'taken' : 'pending' },
      el('td', {}, t(s.kind === 'alias' ? 'sg.alias' : 'sg.whitelist')), el('td', { class: 'data' }, s.phrase + (s.promotion ? ' → ' + s.promotion : '')),
      el('td', {}, ruleLabel(s.rule)), el('td', { class: 'ids data' }, s.alertId), el('td', { class: 'data' }, s.createdBy), el('td', {}, fmtTime(s.createdAt)),
      el('td', { class: 'sg-status' }, s.takenAt ? [t('sg.taken') + ' · ', el('span', { class: 'data' }, s.takenBy), ' · ' + fmtTime(s.takenAt) + (fired ? ' · ' + t('sg.firedSince', fired) : '')] : t('sg.pending')),
      el('td', {}, layerLink(store, s), ' ', s.takenAt ? null : el('button', { class: 'sg-mark', onclick: async () => {
        await api('/api/suggestions/' + encodeURIComponent(store) + '/' + encodeURIComponent(s.id) + '/taken', { method: 'POST' });
        load();
      } }, t('sg.markTaken'))))))
    : el('p', { class: 'muted' }, t('sg.none')));
}

/** Called by lead.js after calibration: the false alarms of the window and the store's suggestions. */
async function loadSuggestions(store, query) {
  const [fa] = await Promise.all([api('/api/false-alarms' + query).then(r => r.ok ? r.json() : []), loadSuggestionList(store)]);
  document.getElementById('false-alarms').replaceChildren(fa.length
    ? el('table', { class: 'false-alarms' }, el('tr', {}, ['', '', '', t('act.note'), t('sil.by'), ''].map(h => el('th', {}, h))), fa.map(x => falseAlarmRow(store, x)))
    : el('p', { class: 'muted' }, t('sg.none')));
  // Calibration shows next to a term which suggestion for it was taken.
  for (const { suggestion: s } of lastSuggestions) {
    if (!s.takenAt || !s.term) continue;
    for (const row of document.querySelectorAll('#calibration tr[data-key]')) {
      if (row.dataset.key === s.term && !row.querySelector('.sg-badge')) row.firstChild.append(' ', el('span', { class: 'sg-badge', title: s.phrase }, t('sg.taken') + ': ', el('span', { class: 'data' }, s.phrase)));
    }
  }
}
