// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
/* global io, SESSION_ID */
var socket = io.connect('/', { query: 'session_id=' + SESSION_ID });

socket.on('welcome', function (name) {
  document.title = 'Chat - ' + name;
});
socket.on('private message', function (message) {
  var line = document.createElement('li');
  line.textContent = message.from + ': ' + message.text;
  document.getElementById('messages').appendChild(line);
});
socket.on('connect_error', function (err) {
  console.log('not connected:', err.message);
});

document.getElementById('send').onclick = function () {
  socket.emit('private message', {
    to: document.getElementById('to').value,
    text: document.getElementById('text').value,
  });
};
