// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var users = [
  { id: 1, username: 'alice', password: 'alice-pw', name: 'Alice' },
  { id: 2, username: 'bob', password: 'bob-pw', name: 'Bob' },
];

exports.findByUsername = function (username) {
  return users.filter(function (user) {
    return user.username === username;
  })[0];
};

exports.findById = function (id) {
  return users.filter(function (user) {
    return user.id === id;
  })[0];
};
