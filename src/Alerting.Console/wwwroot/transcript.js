// The conversation beside the alert: on demand (a button on the card), GET /api/transcript reads the
// short transcript the worker keeps of the conversation; the alert's triggering messages (messageIds)
// are highlighted. Chat text is set with textContent only, never parsed as HTML.
'use strict';

// Open panels survive the feed's re-renders: key store|alertId → { status, data?, error? }.
const transcripts = new Map();

function transcriptButton(item, key, rerender) {
  const open = transcripts.has(key);
  return el('button', {
    class: 'transcript-toggle', 'aria-expanded': open ? 'true' : 'false',
    onclick: () => {
      if (transcripts.has(key)) { transcripts.delete(key); rerender(); return; }
      transcripts.set(key, { status: 'loading' });
      rerender();
      loadTranscript(item.store, item.alert.conversationId).then((res) => {
        if (transcripts.has(key)) { transcripts.set(key, res); rerender(); }
      });
    },
  }, open ? t('act.hideTranscript') : t('act.transcript'));
}

async function loadTranscript(store, conversationId) {
  try {
    const r = await api('/api/transcript?shop=' + encodeURIComponent(store) + '&conversation=' + encodeURIComponent(conversationId || ''));
    if (r.status === 404) return { status: 'none' };
    if (!r.ok) return { status: 'error', error: r.status };
    return { status: 'ok', data: await r.json() };
  } catch (e) {
    return { status: 'error', error: String(e.message || e) };
  }
}

/** The panel of an open transcript, or null when the card's transcript is closed. */
function transcriptPanel(item, key) {
  const s = transcripts.get(key);
  if (!s) return null;
  const box = el('section', { class: 'transcript', 'aria-label': t('act.transcript') });
  if (s.status === 'loading') { box.append(el('p', { class: 'muted' }, t('tr.loading'))); return box; }
  if (s.status === 'none') { box.append(el('p', { class: 'muted' }, t('tr.none'))); return box; }
  if (s.status === 'error') { box.append(el('p', { class: 'error' }, t('tr.failed', s.error))); return box; }
  const triggers = new Set(item.alert.messageIds || []);
  const messages = Array.isArray(s.data.messages) ? s.data.messages : [];
  box.append(el('h3', {}, t('tr.title', messages.length)));
  const list = el('ol', { class: 'messages' });
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const role = ['buyer', 'agent', 'bot', 'system'].includes(m.role) ? m.role : 'system';
    const trigger = triggers.has(m.messageId);
    list.append(el('li', { class: 'msg role-' + role + (trigger ? ' trigger' : ''), 'data-message-id': String(m.messageId ?? '') },
      el('div', { class: 'who' },
        el('span', { class: 'role' }, t('role.' + role)),
        m.agentId ? el('span', { class: 'agent' }, String(m.agentId)) : null,
        el('time', {}, fmtTime(String(m.sentAt ?? ''))),
        trigger ? el('span', { class: 'trigger-tag' }, t('tr.trigger')) : null),
      el('div', { class: 'text' }, String(m.text ?? ''), m.truncated === true ? el('span', { class: 'cut' }, ' ' + t('tr.truncated')) : null)));
  }
  box.append(list);
  return box;
}
