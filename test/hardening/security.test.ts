/**
 * The security review, one behaviour per test, over real Express logins and real socket.io
 * connections: constant-time signature checks, nothing secret in logs or client errors, the
 * `session_id` query policy, which cookie counts, session fixation, and header size limits.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { format } from 'node:util';
import { sign } from 'cookie-signature';
import createDebug from 'debug';
import express from 'express';
import session from 'express-session';
import { SECRET, startApp, type TestApp } from '../support/app';
import { connect, connectOk, connectRefused, whoami } from '../support/client';
import { type Any, defineStack, type Stack } from '../support/stack';

const stack = defineStack();
const stacks: Stack[] = [stack, defineStack({ socketIo: 'socket.io-v2' })];

/** The session id inside a `connect.sid=s%3A<id>.<signature>` Cookie header. */
function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}
function signedValueOf(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
}

/** A MemoryStore whose `get` can be told to fail with a message that names the session id. */
function leakyStore() {
  const memory = new session.MemoryStore();
  const control = { failWithId: false, gets: 0 };
  const store = Object.assign(Object.create(memory), {
    get(sid: string, callback: (err: unknown, value?: unknown) => void) {
      control.gets += 1;
      if (control.failWithId) return callback(new Error(`ECONNRESET while reading sess:${sid}`));
      memory.get(sid, callback);
    },
  });
  return { store, control };
}

describe('signatures are checked in constant time, by cookie-signature', () => {
  let app: TestApp;
  const realCompare = crypto.timingSafeEqual;
  let compares = 0;
  let forceMismatch = false;

  before(async () => {
    // cookie-signature calls crypto.timingSafeEqual through the module object at each unsign.
    crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compares += 1;
      return forceMismatch ? false : realCompare(a, b);
    }) as typeof crypto.timingSafeEqual;
    app = await startApp(stack, { authorize: { secret: ['rotated new secret', SECRET] } });
  });
  after(async () => {
    crypto.timingSafeEqual = realCompare;
    await app.close();
  });

  it('verifies a forged signature of the right length with crypto.timingSafeEqual, once per secret, and refuses it', async () => {
    const cookie = await app.login('alice');
    const sid = sidOf(cookie);
    const forgedMac = sign(sid, 'attacker secret').slice(sid.length + 1);
    compares = 0;
    const refused = await connectRefused(stack, app.url, { cookie: `connect.sid=${encodeURIComponent(`s:${sid}.${forgedMac}`)}` });
    assert.equal(refused.message, 'No session found');
    assert.equal(compares, 2, 'one constant-time comparison per configured secret');
  });

  it('lets a correctly signed cookie in only through crypto.timingSafeEqual: with it answering false, the same cookie is refused', async () => {
    const cookie = await app.login('bob');
    compares = 0;
    (await connectOk(stack, app.url, { cookie })).close();
    assert.ok(compares >= 1, 'the accepted cookie was compared in constant time');
    forceMismatch = true;
    try {
      const refused = await connectRefused(stack, app.url, { cookie });
      assert.equal(refused.message, 'No session found', 'no other comparison can accept the signature');
    } finally {
      forceMismatch = false;
    }
  });

  it('has no signature code of its own in src/: no HMAC, no digest comparison, only cookie-signature unsign', () => {
    const root = join(__dirname, '../../src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) files.push(join(dir, entry.name));
      }
    };
    walk(root);
    // cookie-session's Keygrip signatures are a construction cookie-signature cannot check; that one
    // module verifies them itself, in constant time (test/identify/cookie-session.test.ts pins it down).
    for (const file of files.filter((path) => !path.endsWith(`${sep}cookie-session.ts`))) {
      const source = readFileSync(file, 'utf8');
      assert.doesNotMatch(source, /createHmac|timingSafeEqual/, `${file} computes or compares a MAC itself`);
      assert.doesNotMatch(source, /function unsign\b|const unsign\b/, `${file} defines an unsign of its own`);
    }
    const reader = readFileSync(join(root, 'identify/session-id.ts'), 'utf8');
    assert.match(
      reader,
      /import \{[^}]*\bunsign\b[^}]*\} from 'cookie-signature'/,
      "session-id.ts verifies with cookie-signature's unsign",
    );
  });
});

describe('no session id, cookie, signature or secret in log output or in errors sent to clients', () => {
  for (const current of stacks) {
    it(`keeps them out of DEBUG=passport.socketio-compat:* output and client errors on socket.io ${current.socketIoMajor}`, async () => {
      const lines: string[] = [];
      const previousLog = createDebug.log;
      const previouslyEnabled = createDebug.disable();
      createDebug.enable('passport.socketio-compat:*');
      createDebug.log = (...args: unknown[]) => {
        lines.push(format(...args));
      };
      const { store, control } = leakyStore();
      let throwIn: 'success' | 'deserialize' | undefined;
      const app = await startApp(current, {
        store,
        authorize: {
          success(data, accept) {
            if (throwIn === 'success') throw new Error(`success broke for ${data.sessionID}`);
            accept();
          },
        },
        deserializeUser: (id: number, done: (err: unknown, user?: unknown) => void) => {
          if (throwIn === 'deserialize') return done(new Error(`user ${id} unreadable in session ${secretsSeen[0]}`));
          done(null, { id, name: 'someone' });
        },
      });
      const secretsSeen: string[] = [];
      const clientErrors: unknown[] = [];
      try {
        const cookie = await app.login('alice');
        const sid = sidOf(cookie);
        const signed = signedValueOf(cookie);
        secretsSeen.push(sid, signed, signed.slice(signed.lastIndexOf('.') + 1), encodeURIComponent(signed), SECRET);
        const refusal = async (options: Parameters<typeof connect>[2]) => {
          const result = await connect(current, app.url, options);
          if (result.connected) {
            result.socket.close();
            assert.fail(`expected a refusal for ${JSON.stringify(options)}`);
          }
          clientErrors.push(result);
        };

        (await connectOk(current, app.url, { cookie })).close();
        await refusal({ cookie: `connect.sid=${encodeURIComponent(`s:${sid}.forgedsignature`)}` });
        await refusal({ cookie: `connect.sid=${encodeURIComponent(`s:${sign(sid, 'another secret')}`)}` });
        await refusal({ cookie: `connect.sid=${sid}` });
        await refusal({ query: { session_id: sid } });
        await refusal({ query: { session_id: `s:${sign(sid, 'another secret')}` } });
        control.failWithId = true;
        await refusal({ cookie });
        control.failWithId = false;
        throwIn = 'deserialize';
        await refusal({ cookie });
        throwIn = 'success';
        await refusal({ cookie });
        throwIn = undefined;
        assert.ok(control.gets >= 3);
      } finally {
        createDebug.log = previousLog;
        createDebug.disable();
        if (previouslyEnabled) createDebug.enable(previouslyEnabled);
        await app.close();
      }

      const output = lines.join('\n');
      assert.ok(lines.length >= 10, `debug output was captured (${lines.length} lines)`);
      for (const module of ['handshake', 'session-id', 'accept']) {
        assert.match(output, new RegExp(`passport\\.socketio-compat:${module}`), `lines of ${module} were captured`);
      }
      const clientText = JSON.stringify(clientErrors);
      assert.match(clientText, /Internal server error/);
      for (const secret of secretsSeen) {
        assert.ok(!output.includes(secret), `the log output holds a secret value: ${secret.slice(0, 12)}...`);
        assert.ok(!clientText.includes(secret), `an error sent to a client holds a secret value: ${secret.slice(0, 12)}...`);
      }
    });
  }
});

describe('the session_id query parameter', () => {
  let app: TestApp;
  let control: { gets: number; failWithId: boolean };
  let aliceCookie: string;
  let bobCookie: string;

  before(async () => {
    const leaky = leakyStore();
    control = leaky.control;
    app = await startApp(stack, { store: leaky.store });
    aliceCookie = await app.login('alice');
    bobCookie = await app.login('bob');
  });
  after(() => app.close());

  it('refuses a raw session id without reading the store: a leaked id alone is not a login', async () => {
    const gets = control.gets;
    const refused = await connectRefused(stack, app.url, { query: { session_id: sidOf(aliceCookie) } });
    assert.equal(refused.message, 'No session found');
    assert.equal(control.gets, gets, 'the store was not read');
  });

  it('accepts the signed value, the cookie a client that cannot send cookies was given', async () => {
    const socket = await connectOk(stack, app.url, { query: { session_id: signedValueOf(aliceCookie) } });
    assert.equal((await whoami(socket)).user.id, 1);
    socket.close();
  });

  it('ignores a session_id signed with another secret, and then goes by the verified cookie alone', async () => {
    const forged = `s:${sign(sidOf(bobCookie), 'another secret')}`;
    const refused = await connectRefused(stack, app.url, { query: { session_id: forged } });
    assert.equal(refused.message, 'No session found');
    const socket = await connectOk(stack, app.url, { cookie: aliceCookie, query: { session_id: forged } });
    assert.equal((await whoami(socket)).user.id, 1, 'the forged query did not replace the cookie');
    socket.close();
  });

  it('accepts a raw id only when allowUnsignedSessionIdQuery is set', async () => {
    const legacy = await startApp(stack, { authorize: { allowUnsignedSessionIdQuery: true } });
    try {
      const socket = await connectOk(stack, legacy.url, { query: { session_id: sidOf(await legacy.login('bob')) } });
      assert.equal((await whoami(socket)).user.id, 2);
      socket.close();
    } finally {
      await legacy.close();
    }
  });
});

describe('which cookie counts: the session cookie by name, the first of duplicates, as express-session', () => {
  let app: TestApp;
  let probe: Server;
  let probeUrl: string;
  let alice: string;
  let bob: string;

  before(async () => {
    const store = new session.MemoryStore();
    app = await startApp(stack, { store });
    alice = signedValueOf(await app.login('alice'));
    bob = signedValueOf(await app.login('bob'));
    // express-session itself, on the same store and secret, says whose session a header names.
    const reference = express();
    reference.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }));
    reference.get('/whose', (req: Any, res: Any) => res.json({ user: req.session.passport?.user ?? null }));
    probe = createServer(reference);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/whose`;
  });
  after(async () => {
    await new Promise((resolve) => probe.close(resolve));
    await app.close();
  });

  async function bothSay(cookie: string): Promise<{ express: unknown; socket: unknown }> {
    const response = await fetch(probeUrl, { headers: { cookie } });
    const expressUser = ((await response.json()) as { user: unknown }).user;
    const result = await connect(stack, app.url, { cookie });
    if (!result.connected) return { express: expressUser, socket: null };
    const socketUser = (await whoami(result.socket)).user.id;
    result.socket.close();
    return { express: expressUser, socket: socketUser };
  }

  const enc = encodeURIComponent;
  const cases: [string, () => string, unknown][] = [
    ['the first of two session cookies wins (alice, then bob)', () => `connect.sid=${enc(alice)}; connect.sid=${enc(bob)}`, 1],
    ['the first of two session cookies wins (bob, then alice)', () => `connect.sid=${enc(bob)}; connect.sid=${enc(alice)}`, 2],
    [
      'a forged first session cookie is not rescued by a valid second one',
      () => `connect.sid=${enc(`s:${sidOf(`x=${enc(alice)}`)}.forged`)}; connect.sid=${enc(bob)}`,
      null,
    ],
    [
      "a valid session under another cookie's name is ignored",
      () => `connect.sid2=${enc(alice)}; sid=${enc(alice)}; CONNECT.SID=${enc(alice)}`,
      null,
    ],
    ['a valid session in a __proto__ or constructor cookie is ignored', () => `__proto__=${enc(alice)}; constructor=${enc(bob)}`, null],
    ['a quoted session cookie is read as express-session reads it', () => `connect.sid="${enc(bob)}"`, 2],
  ];
  for (const [name, header, expected] of cases) {
    it(name, async () => {
      const said = await bothSay(header());
      assert.deepEqual(said, { express: expected, socket: expected });
    });
  }
});

describe('a session fixed by an attacker before login', () => {
  for (const passportName of ['passport', 'passport-v06'] as const) {
    const current = defineStack({ passport: passportName });
    it(`does not authorize the pre-login id once Passport (${current.versions?.passport ?? passportName}) regenerated the session at login`, async () => {
      const app = await startApp(current);
      try {
        const planted = await app.anonymousSession();
        const response = await fetch(`${app.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: planted },
          body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
        });
        assert.equal(response.status, 200);
        const issued = response.headers
          .getSetCookie()
          .map((line) => line.split(';')[0] as string)
          .find((pair) => pair.startsWith('connect.sid='));
        assert.ok(issued, 'the login set a new session cookie');
        assert.notEqual(sidOf(issued), sidOf(planted), 'Passport regenerated the session');
        const refused = await connectRefused(current, app.url, { cookie: planted });
        assert.equal(refused.message, 'No session found', "the attacker's planted id does not log in");
        const socket = await connectOk(current, app.url, { cookie: issued });
        assert.equal((await whoami(socket)).user.id, 1);
        socket.close();
      } finally {
        await app.close();
      }
    });
  }

  it('does not authorize a cookie from before logout', async () => {
    const app = await startApp(stack);
    try {
      const cookie = await app.login('alice');
      await app.logout(cookie);
      const refused = await connectRefused(stack, app.url, { cookie });
      assert.ok(
        ['No session found', 'User not authorized through passport. (User Property not found)'].includes(refused.message),
        refused.message,
      );
    } finally {
      await app.close();
    }
  });
});

describe("header size limits: Node's maxHeaderSize refuses a huge Cookie header before authorize, without a crash", () => {
  let app: TestApp;
  let cookie: string;
  let openSocket: Any;

  before(async () => {
    app = await startApp(stack);
    cookie = await app.login('alice');
    openSocket = await connectOk(stack, app.url, { cookie });
  });
  after(async () => {
    openSocket.close();
    await app.close();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a 64 KiB Cookie header over ${transport}, and keeps serving everyone else`, async () => {
      const huge = `${cookie}; padding=${'x'.repeat(64 * 1024)}`;
      const result = await connect(stack, app.url, { cookie: huge, transports: [transport], timeoutMs: 5000 });
      if (result.connected) result.socket.close();
      assert.equal(result.connected, false, 'the oversized handshake was not let in');
      assert.notEqual(result.message, 'client gave up waiting', 'it was refused, not left hanging');
      const raw = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: huge } });
      assert.equal(raw.status, 431, 'the HTTP server answers 431 Request Header Fields Too Large');
      assert.equal((await whoami(openSocket)).user.id, 1, 'an open socket keeps working');
      (await connectOk(stack, app.url, { cookie, transports: [transport] })).close();
    });
  }
});
