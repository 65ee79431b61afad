// Shared helpers of the console pages. No framework, no build step: plain DOM, text set with
// textContent only (alert text comes from chat and must never be parsed as HTML).
'use strict';

// Rule labels come from the worker's one rule catalog (GET /api/rules, loaded with the user);
// a rule the catalog does not name shows its snake_case name.
// The label is the one of the current language (i18n.js).
const RULES = {};
async function loadRules() {
  const r = await api('/api/rules');
  if (r.ok) for (const x of await r.json()) RULES[x.name] = currentLang() === 'zh' ? x.chineseLabel : x.englishLabel;
}
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

function ruleLabel(rule) { return RULES[rule] || rule; }
function sevLabel(severity) { return SEVERITIES.includes(severity) ? t('sev.' + severity) : String(severity); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    // Through the CSSOM: the Content-Security-Policy blocks style attributes, not style properties.
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(path, options) {
  const init = Object.assign({ headers: {} }, options || {});
  if (init.json !== undefined) {
    init.method = init.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(init.json);
  }
  const r = await fetch(path, init);
  if (r.status === 401) { location.href = '/login.html'; throw new Error('not logged in'); }
  return r;
}

async function loadMe() {
  applyLabels();
  setupLanguageSwitch();
  const [r] = await Promise.all([api('/api/me'), loadRules()]);
  const me = await r.json();
  document.getElementById('me').replaceChildren(el('span', { class: 'data' }, me.name), ' · ' + (me.role === 'lead' ? t('role.lead') : t('role.inspector')));
  const leadLink = document.getElementById('lead-link');
  if (leadLink) leadLink.hidden = me.role !== 'lead';
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/api/logout', { method: 'POST' });
    location.href = '/login.html';
  });
  return me;
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false });
}

function fmtAge(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return t('age.s', s);
  if (s < 3600) return t('age.min', Math.floor(s / 60), s % 60);
  return t('age.h', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}

function pct(x) { return (Math.round(x * 1000) / 10) + '%'; }

// Stream ids "<ms>-<seq>" compared numerically.
function idCmp(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
