/* global io */
// The page is served by the front-end dev server (localhost:8080); the chat runs on port 3000.
const socket = io('http://localhost:3000');

socket.on('hello', ({ name }) => {
  document.querySelector('#me').textContent = name;
});
socket.on('chat message', ({ from, text }) => {
  const line = document.createElement('li');
  line.textContent = `${from}: ${text}`;
  document.querySelector('#messages').append(line);
});

document.querySelector('form').addEventListener('submit', (event) => {
  event.preventDefault();
  socket.emit('chat message', document.querySelector('#text').value);
});
