// The live page: one socket.io connection, authorized by the session cookie the browser sends.
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const form = $('send-form');
  let me = null;
  let signedOutReason = null;

  function setStatus(kind, text) {
    status.className = `status ${kind}`;
    status.textContent = text;
    form.querySelector('button').disabled = kind !== 'live';
  }

  function item(parts, className) {
    const li = document.createElement('li');
    if (className) li.className = className;
    for (const part of parts) {
      if (typeof part === 'string') li.append(part);
      else {
        const el = document.createElement(part.tag ?? 'span');
        if (part.className) el.className = part.className;
        el.textContent = part.text;
        li.append(el);
      }
    }
    return li;
  }

  const time = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false });

  function showMessage(message, outgoing, tabs) {
    const list = $('messages');
    list.querySelector('.empty')?.remove();
    const parts = outgoing
      ? [
          { text: time(message.at), className: 'time' },
          { text: `You → ${message.to.name}`, tag: 'b', className: 'name' },
          ' ',
          message.text,
        ]
      : [
          { text: time(message.at), className: 'time' },
          { text: `${message.from.name} → you`, tag: 'b', className: 'name' },
          ' ',
          message.text,
        ];
    if (outgoing) parts.push({ text: ` (${tabs} ${tabs === 1 ? 'tab' : 'tabs'})`, className: 'muted' });
    list.prepend(item(parts, outgoing ? 'outgoing' : 'incoming'));
  }

  function showPresence(users) {
    const list = $('presence');
    list.replaceChildren(
      ...users.map((u) => {
        const li = item(
          [
            { text: u.name, tag: 'b' },
            u.id === me?.id ? ' (you)' : '',
            { text: `${u.tabs} ${u.tabs === 1 ? 'tab' : 'tabs'}`, className: 'pill' },
          ],
          'online',
        );
        li.dataset.user = u.username;
        li.dataset.tabs = String(u.tabs);
        return li;
      }),
    );
    if (users.length === 0) list.append(item(['Nobody'], 'muted'));
  }

  function showDecisions({ counts, recent }) {
    const body = $('decision-counts').tBodies[0];
    body.replaceChildren(
      ...Object.entries(counts)
        .sort(([a], [b]) => (a === 'OK' ? -1 : b === 'OK' ? 1 : a.localeCompare(b)))
        .map(([code, count]) => {
          const tr = document.createElement('tr');
          tr.dataset.code = code;
          const name = document.createElement('td');
          name.textContent = code;
          name.className = code === 'OK' ? 'ok' : 'refused';
          const value = document.createElement('td');
          value.textContent = String(count);
          tr.append(name, value);
          return tr;
        }),
    );
    $('decision-log').replaceChildren(
      ...recent.map((d) =>
        item(
          [
            { text: time(d.at), className: 'time' },
            { text: d.code, className: d.accepted ? 'ok' : 'refused' },
            {
              text: `${d.transport ?? '?'} · id from ${d.source}${d.badSignature ? ' (bad signature)' : ''} · ${d.ms} ms`,
              className: 'muted',
            },
          ],
          d.accepted ? 'accepted' : 'rejected',
        ),
      ),
    );
  }

  // socket.io sends the session cookie with the handshake, same origin, nothing to configure.
  const socket = io();

  socket.on('connect', () => setStatus('live', 'Live: this tab is connected.'));
  socket.on('hello', ({ you, decisions }) => {
    me = you;
    showDecisions(decisions);
  });
  socket.on('presence', showPresence);
  socket.on('decisions', showDecisions);
  socket.on('message', (message) => showMessage(message, false));
  // The package says why before the server disconnects a socket on purpose.
  socket.on('session_ended', ({ reason }) => {
    signedOutReason = reason === 'logout' ? 'You signed out in another tab.' : `Your session ended (${reason}).`;
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') {
      setStatus('closed', `Disconnected by the server. ${signedOutReason ?? ''}`.trim());
      $('presence').replaceChildren();
    } else setStatus('connecting', 'Connection lost, reconnecting…');
  });
  socket.on('connect_error', (err) => {
    // A refused handshake: the message, and on socket.io 3+ a stable code in err.data.
    const code = err.data?.code ? ` (${err.data.code})` : '';
    setStatus('refused', `Connection refused: ${err.message}${code}`);
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text');
    const result = $('send-result');
    socket.emit('send', { to: $('to').value, text: text.value }, (answer) => {
      if (!answer.ok) {
        result.textContent = answer.error;
        return;
      }
      result.textContent = `Delivered to ${answer.tabs} ${answer.tabs === 1 ? 'tab' : 'tabs'} of ${answer.message.to.name}.`;
      showMessage(answer.message, true, answer.tabs);
      text.value = '';
    });
  });
})();
