// Login page. In its own file: the Content-Security-Policy allows no inline script.
'use strict';
applyLabels();
setupLanguageSwitch();
document.getElementById('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const err = document.getElementById('login-error');
  err.hidden = true;
  const r = await fetch('/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: document.getElementById('name').value, password: document.getElementById('password').value })
  });
  if (r.ok) { location.href = '/'; return; }
  let text = t('login.failed', r.status);
  if (r.status === 401) text = t('login.wrong');
  else if (r.status === 429) {
    const body = await r.json().catch(() => ({}));
    text = t('login.tooMany') + (body.unlockAt ? ' — ' + new Date(body.unlockAt).toLocaleString() : '');
  }
  err.textContent = text;
  err.hidden = false;
});
