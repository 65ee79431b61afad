// The one catalog of the console's UI labels, one language at a time: Chinese (default) or English,
// chosen with the switch in the header and remembered in localStorage. Rule names come from the
// worker's rule catalog (GET /api/rules, see common.js); every other label is here, nowhere else.
// Static labels in the HTML carry data-i18n (text), data-i18n-placeholder or data-i18n-title.
'use strict';

const LANGS = ['zh', 'en'];
const LANG_KEY = 'alerting-console.lang';

const CATALOG = {
  zh: {
    'app.name': '质检台', 'app.sub.feed': '实时告警', 'app.sub.lead': '组长', 'app.sub.login': '告警控制台',
    'title.feed': '实时告警 · 质检台', 'title.lead': '校准 · 质检台', 'title.login': '登录 · 质检台',
    'nav.feed': '实时告警', 'nav.lead': '校准', 'logout': '退出', 'lang.switch': 'English',
    'role.lead': '组长', 'role.inspector': '质检',
    'conn.connecting': '连接中…', 'conn.live': '实时', 'conn.reconnecting': '重连中…',
    'login.name': '用户名', 'login.password': '密码', 'login.submit': '登录', 'login.failed': '登录失败（{0}）',
    'login.wrong': '用户名或密码错误', 'login.tooMany': '尝试次数过多，请稍后再试',
    'f.store': '店铺', 'f.rule': '规则', 'f.severity': '级别', 'f.agent': '客服', 'f.agent.ph': '客服 ID', 'f.state': '状态',
    'f.all': '全部', 'f.todo': '待审', 'f.mine': '我认领的', 'f.reviewed': '已审', 'f.silenced': '已静默',
    'f.sound': '严重告警提示音', 'claimNext': '认领下一条', 'empty': '暂无告警',
    'sev.critical': '严重', 'sev.high': '高', 'sev.medium': '中', 'sev.low': '低', 'sev.info': '提示',
    'card.resolved': '已解除', 'card.revision': '第 {0} 版', 'card.agent': '客服', 'card.conversation': '会话',
    'card.escalated': '已升级', 'card.escalatedAt': '未认领超时，已于 {0} 升级通知',
    'st.claimed': '处理中：', 'st.confirmed': '✔ 确认', 'st.falseAlarm': '✘ 误报', 'st.silenced': '已静默', 'st.open': '待审',
    'act.claim': '认领', 'act.release': '放回', 'act.note': '备注', 'act.confirm': '确认', 'act.falseAlarm': '误报',
    'act.transcript': '查看对话', 'act.hideTranscript': '收起对话', 'act.suggest': '据此调整规则…',
    'err.taken': '已被 {0} 认领', 'err.done': '已处理（{0}）', 'err.failed': '失败：{0}', 'err.poolEmpty': '{0} 池中暂无待审告警',
    'tr.loading': '对话加载中…', 'tr.none': '未保存这段对话（已关闭、已过期或从未写入）', 'tr.failed': '对话读取失败（{0}）',
    'tr.title': '对话记录（最近 {0} 条，触发消息已标出）', 'tr.truncated': '（已截断）', 'tr.trigger': '触发',
    'role.buyer': '买家', 'role.agent': '客服', 'role.bot': '机器人', 'role.system': '系统',
    'ev.terms': '违规词：', 'ev.promotion': '活动', 'ev.kind': '项', 'ev.expected': '应为', 'ev.stated': '客服说',
    'ev.firstResponse': '首响', 'ev.response': '响应', 'ev.waited': '买家等待（{0} 条消息）', 'ev.threshold': ' / 阈值 {0} s',
    'ev.answeredBy': '已由 {0} 于 {1} 回复',
    'ev.batch': '同一错误话术：{0} 条消息 · {1} 位客服 · {2} 个会话 · 首次 {3} · 最近 {4}', 'ev.agents': '客服：',
    'ev.window': '窗口 {0} – {1} · {2} 次等待，{3} 条买家消息', 'ev.measure': '指标', 'ev.actual': '实际', 'ev.target': '目标',
    'ev.off': '— 未启用', 'ev.responseRate': '{0} 秒应答率', 'ev.replyRate': '回复率', 'ev.answerRatio': '答问比',
    'cov.today': '今日（{0}）', 'cov.reviewed': '已审', 'cov.raised': '告警', 'cov.silenced': '（静默 {0}）',
    'age.s': '{0} 秒', 'age.min': '{0} 分 {1} 秒', 'age.h': '{0} 小时 {1} 分',
    'cov.oldest': '最久未审：', 'cov.pastLimit': '{0} 条超过认领时限',
    'lead.from': '从', 'lead.to': '到（不含）', 'lead.reload': '刷新', 'lead.csv': '导出判定 CSV',
    'lead.range': '告警所在日期：{0}', 'lead.rangeNone': '该店铺暂无告警，显示今天',
    'lead.calibration': '误报率（质检校准）', 'lead.perRule': '按规则', 'lead.perTerm': '按命中词', 'lead.perPromo': '按活动',
    'lead.perAgent': '按客服（确认数用于辅导）', 'lead.reviewedCol': '已审', 'lead.confirmedCol': '确认', 'lead.falseCol': '误报',
    'lead.rateCol': '误报率', 'lead.falseIds': '误报告警',
    'lead.silences': '静默', 'sil.term': '词', 'sil.rule': '规则', 'sil.agent': '客服', 'sil.promotion': '活动',
    'sil.value': '值', 'sil.onlyRule': '仅限规则（可选）', 'sil.reason': '原因', 'sil.minutes': '分钟', 'sil.submit': '静默',
    'sil.kind': '类型', 'sil.by': '创建人', 'sil.expires': '到期', 'sil.lift': '解除', 'sil.none': '无生效静默',
    'sil.done': '已静默 {0} 条', 'sil.forAlert': '静默此词 60 分钟', 'sil.forPromo': '静默此活动 60 分钟',
    'lead.overview': '概览（每小时）', 'ov.total': '合计', 'ov.resolved': '已解除', 'ov.revised': '更新', 'ov.hour': '小时',
    'ov.chart': '每小时各规则告警数', 'ov.coverage': '每小时审核覆盖率', 'ov.noData': '此时段无告警',
    'ov.topAgents': '告警最多的客服', 'ov.agent': '客服', 'ov.alerts': '告警', 'ov.raisedCol': '告警', 'ov.reviewedCol': '已审',
    'ov.coverageCol': '覆盖率',
    'sg.title': '规则调整建议', 'sg.none': '暂无建议', 'sg.whitelist': '白名单短语', 'sg.alias': '活动别名',
    'sg.phrase': '短语', 'sg.aliasOf': '别名（客服的说法）', 'sg.create': '生成配置层', 'sg.download': '下载',
    'sg.kind': '类型', 'sg.value': '内容', 'sg.rule': '规则', 'sg.alert': '告警', 'sg.by': '创建人', 'sg.at': '创建时间',
    'sg.status': '状态', 'sg.pending': '待采纳', 'sg.taken': '已采纳', 'sg.markTaken': '标记已采纳', 'sg.stillFiring': '之后仍有同类告警',
    'sg.created': '已生成配置层，请交运维审核后放入告警服务的配置目录', 'sg.promotion': '活动', 'sg.intro': '每条误报可一步静默，或生成规则调整的配置层文件（运维审核后放入告警服务的配置目录；控制台从不改写告警服务的配置）。',
    'sg.firedSince': '采纳后同类告警 {0} 条',
  },
  en: {
    'app.name': 'Alerting console', 'app.sub.feed': 'live alerts', 'app.sub.lead': 'lead', 'app.sub.login': 'sign in',
    'title.feed': 'Live alerts · Alerting console', 'title.lead': 'Calibration · Alerting console', 'title.login': 'Log in · Alerting console',
    'nav.feed': 'Feed', 'nav.lead': 'Lead', 'logout': 'Log out', 'lang.switch': '中文',
    'role.lead': 'lead', 'role.inspector': 'inspector',
    'conn.connecting': 'connecting…', 'conn.live': 'live', 'conn.reconnecting': 'reconnecting…',
    'login.name': 'Name', 'login.password': 'Password', 'login.submit': 'Log in', 'login.failed': 'Login failed ({0})',
    'login.wrong': 'Wrong name or password', 'login.tooMany': 'Too many attempts, try again later',
    'f.store': 'Store', 'f.rule': 'Rule', 'f.severity': 'Severity', 'f.agent': 'Agent', 'f.agent.ph': 'agent id', 'f.state': 'State',
    'f.all': 'all', 'f.todo': 'to review', 'f.mine': 'mine', 'f.reviewed': 'reviewed', 'f.silenced': 'silenced',
    'f.sound': 'sound for critical', 'claimNext': 'Claim next', 'empty': 'No alerts yet.',
    'sev.critical': 'critical', 'sev.high': 'high', 'sev.medium': 'medium', 'sev.low': 'low', 'sev.info': 'info',
    'card.resolved': 'resolved', 'card.revision': 'rev {0}', 'card.agent': 'agent', 'card.conversation': 'conversation',
    'card.escalated': 'escalated', 'card.escalatedAt': 'unclaimed past its limit, escalated at {0}',
    'st.claimed': 'claimed by', 'st.confirmed': '✔ confirmed', 'st.falseAlarm': '✘ false alarm', 'st.silenced': 'silenced', 'st.open': 'to review',
    'act.claim': 'Claim', 'act.release': 'Release', 'act.note': 'note', 'act.confirm': 'Confirm', 'act.falseAlarm': 'False alarm',
    'act.transcript': 'Show conversation', 'act.hideTranscript': 'Hide conversation', 'act.suggest': 'Adjust the rule…',
    'err.taken': 'Claimed by {0}', 'err.done': 'Already {0}', 'err.failed': 'Failed: {0}', 'err.poolEmpty': 'Nothing left in the pool of {0}',
    'tr.loading': 'loading the conversation…', 'tr.none': 'No transcript kept for this conversation (off, expired or never written)',
    'tr.failed': 'Could not read the conversation ({0})',
    'tr.title': 'Conversation (last {0} messages, triggering ones marked)', 'tr.truncated': '(truncated)', 'tr.trigger': 'trigger',
    'role.buyer': 'buyer', 'role.agent': 'agent', 'role.bot': 'bot', 'role.system': 'system',
    'ev.terms': 'terms: ', 'ev.promotion': 'promotion', 'ev.kind': 'kind', 'ev.expected': 'expected', 'ev.stated': 'agent stated',
    'ev.firstResponse': 'first response', 'ev.response': 'response', 'ev.waited': 'buyer waited ({0} messages)', 'ev.threshold': ' / threshold {0} s',
    'ev.answeredBy': 'answered by {0} at {1}',
    'ev.batch': 'same wrong template: {0} messages · {1} agents · {2} conversations · first seen {3} · last {4}', 'ev.agents': 'agents: ',
    'ev.window': 'window {0} – {1} · {2} waits, {3} buyer messages', 'ev.measure': 'measure', 'ev.actual': 'actual', 'ev.target': 'target',
    'ev.off': '— off', 'ev.responseRate': '{0} s response rate', 'ev.replyRate': 'reply rate', 'ev.answerRatio': 'answer ratio',
    'cov.today': 'today ({0})', 'cov.reviewed': 'reviewed', 'cov.raised': 'raised', 'cov.silenced': '(silenced {0})',
    'age.s': '{0} s', 'age.min': '{0} min {1} s', 'age.h': '{0} h {1} min',
    'cov.oldest': 'oldest unreviewed: ', 'cov.pastLimit': '{0} past their claim limit',
    'lead.from': 'From', 'lead.to': 'To (exclusive)', 'lead.reload': 'Reload', 'lead.csv': 'CSV export of verdicts',
    'lead.range': 'Day of the store\'s alerts: {0}', 'lead.rangeNone': 'No alerts in this store yet: showing today',
    'lead.calibration': 'False-alarm rate (calibration)', 'lead.perRule': 'per rule', 'lead.perTerm': 'per matched term', 'lead.perPromo': 'per promotion',
    'lead.perAgent': 'per agent (confirmed counts for coaching)', 'lead.reviewedCol': 'reviewed', 'lead.confirmedCol': 'confirmed', 'lead.falseCol': 'false alarms',
    'lead.rateCol': 'rate', 'lead.falseIds': 'false-alarm alerts',
    'lead.silences': 'Silences', 'sil.term': 'term', 'sil.rule': 'rule', 'sil.agent': 'agent', 'sil.promotion': 'promotion',
    'sil.value': 'value', 'sil.onlyRule': 'only rule (optional)', 'sil.reason': 'reason', 'sil.minutes': 'minutes', 'sil.submit': 'Silence',
    'sil.kind': 'kind', 'sil.by': 'by', 'sil.expires': 'expires', 'sil.lift': 'Lift', 'sil.none': 'No active silence.',
    'sil.done': 'silenced now: {0}', 'sil.forAlert': 'Silence this term for 60 min', 'sil.forPromo': 'Silence this promotion for 60 min',
    'lead.overview': 'Overview (per hour)', 'ov.total': 'total', 'ov.resolved': 'resolved', 'ov.revised': 'revised', 'ov.hour': 'hour',
    'ov.chart': 'Alerts per hour and rule', 'ov.coverage': 'Review coverage per hour', 'ov.noData': 'No alerts in this window',
    'ov.topAgents': 'Agents with most alerts', 'ov.agent': 'agent', 'ov.alerts': 'alerts', 'ov.raisedCol': 'raised', 'ov.reviewedCol': 'reviewed',
    'ov.coverageCol': 'coverage',
    'sg.title': 'Suggested rule changes', 'sg.none': 'No suggestion yet.', 'sg.whitelist': 'whitelist phrase', 'sg.alias': 'promotion alias',
    'sg.phrase': 'phrase', 'sg.aliasOf': 'alias (the agent\'s wording)', 'sg.create': 'Create config layer', 'sg.download': 'Download',
    'sg.kind': 'kind', 'sg.value': 'value', 'sg.rule': 'rule', 'sg.alert': 'alert', 'sg.by': 'by', 'sg.at': 'created',
    'sg.status': 'status', 'sg.pending': 'pending', 'sg.taken': 'taken', 'sg.markTaken': 'Mark taken', 'sg.stillFiring': 'same case fired again since',
    'sg.created': 'Config layer created: hand it to ops to review and drop into the worker\'s config folder', 'sg.promotion': 'promotion', 'sg.intro': 'Each false alarm can be silenced in one step, or turned into a config layer file with a rule change (ops review it and drop it into the worker\'s config folder; the console never writes the worker\'s config).',
    'sg.firedSince': 'same case fired {0} times since taken',
  },
};

function currentLang() {
  let v = null;
  try { v = localStorage.getItem(LANG_KEY); } catch (e) { /* storage off: default */ }
  return LANGS.includes(v) ? v : 'zh';
}

/** The label of key in the current language, {0}, {1}… replaced by the arguments. */
function t(key, ...args) {
  const lang = currentLang();
  let s = CATALOG[lang][key];
  if (s === undefined) { console.warn('missing label ' + key); s = key; }
  return s.replace(/\{(\d)\}/g, (_, i) => args[Number(i)] === undefined ? '' : String(args[Number(i)]));
}

/** Sets every data-i18n label under root and the page's language. */
function applyLabels(root) {
  const r = root || document;
  for (const e of r.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of r.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of r.querySelectorAll('[data-i18n-title]')) e.title = t(e.dataset.i18nTitle);
  if (r === document) {
    document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
    const title = document.querySelector('title[data-i18n-page]');
    if (title) document.title = t(title.dataset.i18nPage);
  }
}

/** Wires the header's language switch: the other language, remembered, the page relabelled by reloading. */
function setupLanguageSwitch() {
  const b = document.getElementById('lang');
  if (!b) return;
  b.addEventListener('click', () => {
    try { localStorage.setItem(LANG_KEY, currentLang() === 'zh' ? 'en' : 'zh'); } catch (e) { /* ignored */ }
    location.reload();
  });
}
