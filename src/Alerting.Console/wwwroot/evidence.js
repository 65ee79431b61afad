// What each rule's evidence shows on a card (CONTRACTS.md §2, per rule). Text set with textContent only.
'use strict';

function evidence(a) {
  const ev = a.evidence || {};
  switch (a.rule) {
    case 'rude_language': return highlighted(ev.text || '', ev.matches || []);
    case 'forbidden_claim': return el('p', {}, t('ev.terms'), ...(ev.matches || []).map(m => el('mark', {}, m.term)));
    case 'wrong_promo_answer': {
      const rows = (ev.findings || [ev]).map(x => el('tr', {}, el('td', {}, x.promotion || ''), el('td', {}, x.kind || ''),
        el('td', { class: 'expected' }, x.expected || ''), el('td', { class: 'stated' }, x.statedText || x.stated || '')));
      return el('table', { class: 'promo' }, el('tr', {}, el('th', {}, t('ev.promotion')), el('th', {}, t('ev.kind')), el('th', {}, t('ev.expected')), el('th', {}, t('ev.stated'))), rows);
    }
    case 'slow_response': return delay(ev.delaySeconds, ev.thresholdSeconds, ev.firstResponse ? t('ev.firstResponse') : t('ev.response'));
    case 'unanswered_buyer': {
      const d = delay(ev.waitedSeconds, ev.thresholdSeconds, t('ev.waited', ev.buyerMessages || 1));
      if (ev.answeredBy) d.append(el('p', {}, t('ev.answeredBy', ev.answeredBy, fmtTime(ev.answeredAt))));
      return d;
    }
    case 'batch_wrong_promo_answer': {
      const table = evidence({ rule: 'wrong_promo_answer', evidence: ev });
      return el('div', { class: 'batch' }, table,
        el('p', {}, t('ev.batch', ev.messageCount ?? '', ev.agentCount ?? '', ev.conversationCount ?? '', fmtTime(ev.firstSeen), fmtTime(ev.lastSeen))),
        el('p', { class: 'agents' }, t('ev.agents'), ...(ev.agents || []).map(x => el('span', { class: 'agent' }, x))));
    }
    case 'agent_response_rate_low': {
      const pct1 = v => v == null ? '–' : (Math.round(v * 1000) / 10) + '%';
      const target = (v, show) => v ? show(v) : t('ev.off');
      const below = new Set(ev.below || []);
      const row = (key, label, value, goal) => el('tr', { class: below.has(key) ? 'below' : '' },
        el('td', {}, label), el('td', {}, value), el('td', {}, goal));
      return el('div', {},
        el('p', {}, t('ev.window', fmtTime(ev.windowStart), fmtTime(ev.windowEnd), ev.waits ?? 0, ev.buyerMessages ?? 0)),
        el('table', { class: 'rates' },
          el('tr', {}, el('th', {}, t('ev.measure')), el('th', {}, t('ev.actual')), el('th', {}, t('ev.target'))),
          row('response_rate', t('ev.responseRate', ev.responseSeconds ?? 30), pct1(ev.responseRate), target(ev.minResponseRate, pct1)),
          row('reply_rate', t('ev.replyRate'), pct1(ev.replyRate), target(ev.minReplyRate, pct1)),
          row('answer_ratio', t('ev.answerRatio'), ev.answerRatio == null ? '–' : String(ev.answerRatio), target(ev.minAnswerRatio, String))));
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
    el('span', {}, label + ': ', el('b', {}, (Math.round(measured * 10) / 10) + ' s'), t('ev.threshold', threshold)),
    el('span', { class: 'bar' }, el('span', { class: 'fill', style: 'width:' + (ratio * 25) + '%' }), el('span', { class: 'mark' })));
}
