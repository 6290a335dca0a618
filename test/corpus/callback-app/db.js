// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
// The app's user table. Locked accounts still log in over HTTP (an old bug), but loading them
// for a socket fails with an error, as the database layer did.
var rows = {
  1: { id: 1, username: 'alice', password: 'alice-pw' },
  2: { id: 2, username: 'bob', password: 'bob-pw' },
  3: { id: 3, username: 'carol', password: 'carol-pw', locked: true },
};

exports.users = {
  findByUsername: function (username, callback) {
    for (var id in rows) {
      if (rows[id].username === username) return process.nextTick(callback, null, rows[id]);
    }
    process.nextTick(callback, null, null);
  },
  findById: function (id, callback) {
    var row = rows[id];
    if (row && row.locked) return process.nextTick(callback, new Error('account ' + id + ' is locked'));
    process.nextTick(callback, null, row || false);
  },
};
