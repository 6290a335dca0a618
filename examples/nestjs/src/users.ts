/** The example's users; a real app reads them from its database. */
export interface User {
  id: number;
  username: string;
  name: string;
}

const USERS: (User & { password: string })[] = [
  { id: 1, username: 'alice', password: 'alice-pw', name: 'Alice' },
  { id: 2, username: 'bob', password: 'bob-pw', name: 'Bob' },
];

export function findByLogin(username: string, password: string): User | undefined {
  const found = USERS.find((user) => user.username === username && user.password === password);
  return found && { id: found.id, username: found.username, name: found.name };
}

export function findById(id: number): User | undefined {
  const found = USERS.find((user) => user.id === id);
  return found && { id: found.id, username: found.username, name: found.name };
}
