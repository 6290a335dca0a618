// The two HTML pages, rendered on the server. Everything dynamic on the live page arrives over
// the socket and is written with textContent by /static/live.js.

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => escapes[c]);

function layout(title, body, scripts = []) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · passport.socketio-compat demo</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
${body}
${scripts.map((src) => `<script src="${escapeHtml(src)}"></script>`).join('\n')}
</body>
</html>
`;
}

/**
 * @param {{ users: { username: string, password: string, name: string }[], failed: boolean, signedOut: boolean }} view
 */
export function loginPage({ users, failed, signedOut }) {
  const notice = failed
    ? '<p class="notice error" role="alert">Wrong username or password.</p>'
    : signedOut
      ? '<p class="notice" role="status">You are signed out, and every tab of this browser was disconnected.</p>'
      : '';
  const accounts = users
    .map((u) => `<li><code>${escapeHtml(u.username)}</code> / <code>${escapeHtml(u.password)}</code> (${escapeHtml(u.name)})</li>`)
    .join('');
  return layout(
    'Sign in',
    `<main class="narrow">
<h1>passport.socketio-compat demo</h1>
<p class="lead">Sign in over HTTP with Passport; the socket.io connection then knows who you are from the same session.</p>
${notice}
<form class="card" method="post" action="/login" id="login-form">
<label>Username <input name="username" id="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<aside class="card hint">
<h2>Demo users</h2>
<ul>${accounts}</ul>
<p>Sign in as one user in a normal window and as the other in a private window (or another browser), then open a second tab.</p>
</aside>
</main>`,
  );
}

/**
 * @param {{ user: { id: number, name: string, username: string }, users: { id: number, name: string }[] }} view
 */
export function livePage({ user, users }) {
  const recipients = users
    .filter((u) => u.id !== user.id)
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)}</option>`)
    .join('');
  return layout(
    'Live',
    `<header class="bar">
<strong>passport.socketio-compat demo</strong>
<span class="who">Signed in as <b id="me">${escapeHtml(user.name)}</b> (${escapeHtml(user.username)})</span>
<form method="post" action="/logout"><button type="submit" id="logout" class="secondary">Sign out</button></form>
</header>
<p id="status" class="status connecting" role="status">Connecting…</p>
<main class="grid">
<section class="card">
<h2>Connected now</h2>
<ul id="presence" class="presence"></ul>
</section>
<section class="card">
<h2>Send a message</h2>
<form id="send-form">
<label>To <select id="to" name="to">${recipients}</select></label>
<label>Message <input id="text" name="text" maxlength="500" autocomplete="off" required></label>
<button type="submit">Send to every tab of that user</button>
</form>
<p id="send-result" class="muted"></p>
</section>
<section class="card">
<h2>Messages</h2>
<ol id="messages" class="messages"><li class="muted empty">No messages yet.</li></ol>
</section>
<section class="card">
<h2>Handshake decisions</h2>
<table id="decision-counts" class="counts"><thead><tr><th>Outcome code</th><th>Count</th></tr></thead><tbody></tbody></table>
<ol id="decision-log" class="decisions"></ol>
<p class="muted small">From the package's <code>decisionEvents</code>: codes, transports and timings only, never a cookie, session id or secret.</p>
</section>
</main>`,
    ['/socket.io/socket.io.js', '/static/live.js'],
  );
}
