const users = [
  { id: 1, username: 'alice', password: 'alice-pw' },
  { id: 2, username: 'bob', password: 'bob-pw' },
];

module.exports = {
  byName: (username) => users.find((user) => user.username === username),
  byId: (id) => users.find((user) => user.id === id),
};
