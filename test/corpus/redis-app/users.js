const users = [
  { id: 1, username: 'alice', password: 'alice-pw' },
  { id: 2, username: 'bob', password: 'bob-pw' },
];

exports.findByUsername = (username) => users.find((user) => user.username === username);
exports.findById = (id) => users.find((user) => user.id === id);
