// Shared helpers of the console pages. No framework, no build step: plain DOM, text set with
// textContent only (alert text comes from chat and must never be parsed as HTML).
'use strict';

const RULES = {
  rude_language: '不当用语 rude language',
  wrong_promo_answer: '营销解答错误 wrong promo answer',
  forbidden_claim: '极限用语 forbidden claim',
  slow_response: '响应超时 slow response',
  unanswered_buyer: '未回复 unanswered buyer',
  batch_wrong_promo_answer: '批量错误话术 batch wrong answer',
  agent_response_rate_low: '客服指标偏低 agent rates low',
  personal_data_exposure: '泄露个人信息 personal data',
  off_platform_contact: '站外引流 off-platform contact',
  buyer_complaint_risk: '投诉风险 complaint risk',
  forbidden_review_invitation: '违规邀评 review invitation',
};
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

function ruleLabel(rule) { return RULES[rule] || rule; }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
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
  const r = await api('/api/me');
  const me = await r.json();
  document.getElementById('me').textContent = me.name + ' · ' + (me.role === 'lead' ? '组长 lead' : '质检 inspector');
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
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

function fmtAge(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function pct(x) { return (Math.round(x * 1000) / 10) + '%'; }

// Stream ids "<ms>-<seq>" compared numerically.
function idCmp(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
