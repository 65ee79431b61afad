// Login page. In its own file: the Content-Security-Policy allows no inline script.
'use strict';
document.getElementById('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const err = document.getElementById('login-error');
  err.hidden = true;
  const r = await fetch('/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: document.getElementById('name').value, password: document.getElementById('password').value })
  });
  if (r.ok) { location.href = '/'; return; }
  let text = '登录失败 Login failed (' + r.status + ')';
  if (r.status === 401) text = '用户名或密码错误 Wrong name or password';
  else if (r.status === 429) {
    const body = await r.json().catch(() => ({}));
    text = '尝试次数过多，请稍后再试 Too many attempts' + (body.unlockAt ? ' — ' + new Date(body.unlockAt).toLocaleString() : '');
  }
  err.textContent = text;
  err.hidden = false;
});
