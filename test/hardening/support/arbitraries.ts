/**
 * fast-check generators for hostile handshakes: Cookie headers built from really signed values
 * (cookie-signature) mixed with forgeries, odd encodings, duplicates, prototype-polluting names
 * and huge values; `session_id` queries; store answers; deserializer and callback behaviour.
 */
import { sign } from 'cookie-signature';
import fc from 'fast-check';
import type { AcceptArgs, CallbackPlan, DeserializePlan, Scenario, StorePlan, Timing } from './harness';
import { HOSTILE } from './harness';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const encodable = (value: string) => {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
};

/** Session ids: express-session's own kind, wild strings, and huge ones. */
export const sessionIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 32 }) },
  {
    weight: 3,
    arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((sid) => encodable(sid) && !sid.startsWith('j:')),
  },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 60_000 }).map((length) => 'x'.repeat(length)) },
);

export const secretsArb: fc.Arbitrary<string[]> = fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }), {
  minLength: 1,
  maxLength: 3,
});

export const KEYS = ['connect.sid', 'sid', 'constructor', 'toString'] as const;
const MAGIC_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'connect.sid2', 'CONNECT.SID', 'io'];

/** How the session cookie's value is written into the header. */
type Encoding = 'uri' | 'raw' | 'partial' | 'quoted' | 'percentAll';

type SessionCookieKind =
  | 'valid'
  | 'validOtherSid'
  | 'wrongSecret'
  | 'tampered'
  | 'unsignedRaw'
  | 'noSignature'
  | 'truncatedSignature'
  | 'invalidPercent'
  | 'empty'
  | 'hugeGarbage'
  | 'jsonSigned'
  | 'wrongPrefix';

type CookiePiece =
  | { piece: 'session'; kind: SessionCookieKind; encoding: Encoding; secretIndex: number; junk: string; size: number }
  | { piece: 'noise'; name: string; value: string }
  | { piece: 'signedUnderOtherName'; name: string; secretIndex: number }
  | { piece: 'bare'; text: string };

interface Context {
  key: string;
  secrets: string[];
  liveSid: string;
  otherSid: string;
  foreignSecret: string;
}

const rawSafe = (value: string) => /^[\x21-\x7e]*$/.test(value) && !/[;%"]/.test(value);
const trimmed = (name: string) => name.replace(/^[ \t]+|[ \t]+$/g, '');

function encode(value: string, encoding: Encoding): string {
  if (encoding === 'raw' && rawSafe(value)) return value;
  if (encoding === 'partial' && value.startsWith('s:') && rawSafe(value.slice(2))) return `s%3A${value.slice(2)}`;
  if (encoding === 'quoted') return `"${encodeURIComponent(value)}"`;
  if (encoding === 'percentAll') return [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  return encodeURIComponent(value);
}

const signed = (sid: string, secret: string) => `s:${sign(sid, secret)}`;

function renderSession(piece: Extract<CookiePiece, { piece: 'session' }>, ctx: Context): string {
  const secret = ctx.secrets[piece.secretIndex % ctx.secrets.length] as string;
  switch (piece.kind) {
    case 'valid':
      return encode(signed(ctx.liveSid, secret), piece.encoding);
    case 'validOtherSid':
      return encode(signed(ctx.otherSid, secret), piece.encoding);
    case 'wrongSecret':
      return encode(signed(ctx.liveSid, ctx.foreignSecret), piece.encoding);
    case 'tampered': {
      const mac = sign(ctx.liveSid, secret).slice(ctx.liveSid.length + 1);
      return encode(`s:${ctx.otherSid}.${mac}`, piece.encoding);
    }
    case 'unsignedRaw':
      return encode(ctx.liveSid, piece.encoding);
    case 'noSignature':
      return encode(`s:${ctx.liveSid}`, piece.encoding);
    case 'truncatedSignature':
      return encode(signed(ctx.liveSid, secret).slice(0, -1), piece.encoding);
    case 'invalidPercent':
      return encodeURIComponent(signed(ctx.liveSid, secret)) + piece.junk;
    case 'empty':
      return '';
    case 'hugeGarbage':
      return `s%3A${'A'.repeat(piece.size)}.${'B'.repeat(43)}`;
    case 'jsonSigned':
      return encode(signed('j:{"id":1}', secret), piece.encoding);
    case 'wrongPrefix':
      return encode(`${piece.junk === '%' ? 'S:' : 'x:'}${sign(ctx.liveSid, secret)}`, piece.encoding);
  }
}

function render(piece: CookiePiece, ctx: Context): string {
  switch (piece.piece) {
    case 'session':
      return `${ctx.key}=${renderSession(piece, ctx)}`;
    case 'noise':
      return `${piece.name}=${piece.value}`;
    case 'signedUnderOtherName':
      return `${piece.name}=${encodeURIComponent(signed(ctx.liveSid, ctx.secrets[piece.secretIndex % ctx.secrets.length] as string))}`;
    case 'bare':
      return piece.text;
  }
}

const noiseNameArb = fc.oneof(
  fc.constantFrom(...MAGIC_NAMES),
  fc.string({ unit: 'binary', maxLength: 12 }).filter((name) => !name.includes('=') && !name.includes(';')),
);
const noiseValueArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !value.includes(';')),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '"quoted"', 'j:{"__proto__":{"polluted":1}}', 'j:{bad', 's:', 's:.', '=='),
  fc.integer({ min: 1_000, max: 40_000 }).map((length) => 'v'.repeat(length)),
);

const validSessionPieceArb: fc.Arbitrary<CookiePiece> = fc.record({
  piece: fc.constant('session' as const),
  kind: fc.constant('valid' as const),
  encoding: fc.constantFrom<Encoding>('uri', 'uri', 'raw', 'partial', 'quoted', 'percentAll'),
  secretIndex: fc.nat(5),
  junk: fc.constant(''),
  size: fc.constant(0),
});

const pieceArb: fc.Arbitrary<CookiePiece> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      piece: fc.constant('session' as const),
      kind: fc.constantFrom<SessionCookieKind>(
        'valid',
        'valid',
        'valid',
        'validOtherSid',
        'wrongSecret',
        'tampered',
        'unsignedRaw',
        'noSignature',
        'truncatedSignature',
        'invalidPercent',
        'empty',
        'hugeGarbage',
        'jsonSigned',
        'wrongPrefix',
      ),
      encoding: fc.constantFrom<Encoding>('uri', 'raw', 'partial', 'quoted', 'percentAll'),
      secretIndex: fc.nat(5),
      junk: fc.constantFrom('%', '%zz', '%E0%A4%A', '%%'),
      size: fc.integer({ min: 100, max: 100_000 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ piece: fc.constant('noise' as const), name: noiseNameArb, value: noiseValueArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ piece: fc.constant('signedUnderOtherName' as const), name: noiseNameArb, secretIndex: fc.nat(5) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      piece: fc.constant('bare' as const),
      text: fc.string({ unit: 'binary', maxLength: 20 }).filter((text) => !text.includes('=') && !text.includes(';')),
    }),
  },
);

type HeaderPlan =
  | { header: 'none' }
  | { header: 'pieces'; pieces: CookiePiece[]; separator: string; lead: CookiePiece | null; leadAt: number }
  | { header: 'garbage'; text: string };

const headerPlanArb: fc.Arbitrary<HeaderPlan> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ header: 'none' as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      header: fc.constant('pieces' as const),
      pieces: fc.array(pieceArb, { maxLength: 6 }),
      separator: fc.constantFrom('; ', ';', ' ; ', ';\t', ';;'),
      // Often a correctly signed session cookie comes first, so that handshakes reach the store.
      lead: fc.option(validSessionPieceArb, { freq: 2, nil: null }),
      leadAt: fc.nat(6),
    }),
  },
  { weight: 1, arbitrary: fc.record({ header: fc.constant('garbage' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }) },
);

function renderHeader(plan: HeaderPlan, ctx: Context): string | undefined {
  if (plan.header === 'none') return undefined;
  if (plan.header === 'garbage') return plan.text;
  // A noise cookie whose name is the session cookie's, once trimmed, would be a session cookie.
  const pieces = [...plan.pieces];
  if (plan.lead) {
    const firstSession = pieces.findIndex((piece) => piece.piece === 'session');
    pieces.splice(Math.min(plan.leadAt, firstSession === -1 ? pieces.length : firstSession), 0, plan.lead);
  }
  return pieces
    .filter((piece) => !((piece.piece === 'noise' || piece.piece === 'signedUnderOtherName') && trimmed(piece.name) === ctx.key))
    .map((piece) => render(piece, ctx))
    .join(plan.separator);
}

type QueryPlan =
  | { query: 'absent' | 'empty' | 'signedLive' | 'signedOther' | 'signedForeign' | 'rawLive' | 'signedEmpty'; secretIndex: number }
  | { query: 'value'; value: unknown };

const queryPlanArb: fc.Arbitrary<QueryPlan> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      query: fc.constantFrom(
        'absent' as const,
        'absent' as const,
        'absent' as const,
        'empty' as const,
        'signedLive' as const,
        'signedOther' as const,
        'signedForeign' as const,
        'rawLive' as const,
        'signedEmpty' as const,
      ),
      secretIndex: fc.nat(5),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      query: fc.constant('value' as const),
      value: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.array(fc.string()), fc.jsonValue({ maxDepth: 2 })),
    }),
  },
);

function renderQuery(plan: QueryPlan, ctx: Context): unknown {
  const secret = () => ctx.secrets[('secretIndex' in plan ? plan.secretIndex : 0) % ctx.secrets.length] as string;
  switch (plan.query) {
    case 'absent':
      return undefined;
    case 'empty':
      return '';
    case 'signedLive':
      return signed(ctx.liveSid, secret());
    case 'signedOther':
      return signed(ctx.otherSid, secret());
    case 'signedForeign':
      return signed(ctx.liveSid, ctx.foreignSecret);
    case 'rawLive':
      return ctx.liveSid;
    case 'signedEmpty':
      return signed('', secret());
    case 'value':
      return plan.value;
  }
}

const timingArb = fc.constantFrom<Timing>('sync', 'sync', 'sync', 'microtask', 'microtask', 'immediate', 'immediate', 'immediate', 'late');

type ExpiresPlan = 'pastIso' | 'futureIso' | 'pastDate' | 'futureDate' | 'garbage' | 'number' | 'null' | 'absent';
const DAY = 86_400_000;
function renderExpires(plan: ExpiresPlan): { expires?: unknown } {
  switch (plan) {
    case 'pastIso':
      return { expires: new Date(Date.now() - DAY).toISOString() };
    case 'futureIso':
      return { expires: new Date(Date.now() + DAY).toISOString() };
    case 'pastDate':
      return { expires: new Date(Date.now() - DAY) };
    case 'futureDate':
      return { expires: new Date(Date.now() + DAY) };
    case 'garbage':
      return { expires: 'not a date' };
    case 'number':
      return { expires: Date.now() - DAY };
    case 'null':
      return { expires: null };
    case 'absent':
      return {};
  }
}

const serializedUserArb = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.constantFrom<unknown>(0, '', false, null, 'pass'),
  fc.jsonValue({ maxDepth: 2 }),
);

const expiresArb = fc.constantFrom<ExpiresPlan>(
  'pastIso',
  'futureIso',
  'futureIso',
  'pastDate',
  'futureDate',
  'garbage',
  'number',
  'null',
  'absent',
);

/** What a store may hand back: sessions of every shape, any JSON, and hostile objects. */
const sessionValueArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc
      .record({ expires: expiresArb, user: serializedUserArb })
      .map(({ expires, user }) => ({ cookie: { originalMaxAge: DAY, ...renderExpires(expires) }, passport: { user } })),
  },
  { weight: 1, arbitrary: expiresArb.map((expires) => ({ cookie: renderExpires(expires), visited: true })) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>({ passport: {} }, { passport: 5 }, { passport: 'x' }, { passport: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ passport: 0 }, { passport: '' }, { passport: null }, { passport: false }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .constant(null)
      .map(() =>
        JSON.parse('{"__proto__":{"passport":{"user":1}},"constructor":{"prototype":{"passport":{"user":2}}},"cookie":{"__proto__":{}}}'),
      ),
  },
  { weight: 1, arbitrary: fc.constant(HOSTILE) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, false, 0, '') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, 1, 'a session', [1]) },
);

const errorArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null).map(() => new Error('redis down')),
  fc.constantFrom<unknown>('a string error', 42, true, { message: 'an object error' }, { message: 7 }),
  fc.constant(null).map(() => Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })),
  fc.constant(null).map(() => Object.create(null)),
  fc.constant(HOSTILE),
);

const answerArb = fc.record({ err: fc.oneof(fc.constantFrom<unknown>(null, undefined, 0, ''), errorArb), value: sessionValueArb });

const storePlanArb: fc.Arbitrary<StorePlan> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('answer' as const), value: sessionValueArb, timing: timingArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), err: errorArb, timing: timingArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('throw' as const), err: fc.oneof(errorArb, fc.constant(undefined)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('answerThenThrow' as const), value: sessionValueArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'never' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('twice' as const), first: answerArb, second: answerArb, timing: timingArb }) },
);

const userArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ id: fc.integer(), name: fc.string({ maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.constant(null).map(() => Object.freeze({ id: 1, name: 'frozen' })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('a-user-id', 7, true) },
);

const deserializeArgsArb: fc.Arbitrary<unknown[]> = fc.oneof(
  { weight: 14, arbitrary: userArb.map((user) => [null, user]) },
  { weight: 4, arbitrary: fc.constantFrom<unknown[]>([null, false], [null, null]) },
  { weight: 1, arbitrary: fc.constantFrom<unknown[]>([null, undefined], [null, 0], [null, ''], [], ['pass']) },
  { weight: 1, arbitrary: userArb.map((user) => ['pass', user]) },
  { weight: 1, arbitrary: errorArb.map((err) => [err]) },
  { weight: 1, arbitrary: userArb.map((user) => [new Error('db down'), user]) },
);

const deserializePlanArb: fc.Arbitrary<DeserializePlan> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('done' as const), args: deserializeArgsArb, timing: timingArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('doneThenThrow' as const), args: deserializeArgsArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'never' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('twice' as const), first: deserializeArgsArb, second: deserializeArgsArb, timing: timingArb }),
  },
);

/** Every `accept` form old apps use, and a few no app should. */
export const acceptArgsArb: fc.Arbitrary<AcceptArgs> = fc.oneof(
  fc.constantFrom<AcceptArgs>([], [null], [undefined], [null, true], [null, false], ['text'], [''], [0], [null, 0], [false], [true]),
  fc.constant(null).map(() => [new Error('the app says no')]),
  fc.constant(null).map(() => [{ message: 'an object' }]),
  fc.constant<AcceptArgs>([HOSTILE]),
);

const callbackPlanArb = (legacy: boolean): fc.Arbitrary<CallbackPlan> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'default' as const }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('accept' as const),
        args: acceptArgsArb,
        timing: timingArb,
        afterwards: fc.option(
          fc.oneof(
            fc.constant('throw' as const),
            acceptArgsArb.map((again) => ({ again })),
          ),
          { nil: undefined },
        ),
        legacyArity: fc.boolean().map((value) => legacy && value),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('throw' as const), legacyArity: fc.boolean().map((value) => legacy && value) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('never' as const), legacyArity: fc.boolean().map((value) => legacy && value) }) },
  );

/** A whole hostile handshake. `timeout` is the `timeout` option, small so runs stay fast. */
export function scenarioArb(timeout: number): fc.Arbitrary<Scenario> {
  return fc
    .record({
      secrets: secretsArb,
      secretAsString: fc.boolean(),
      foreignSecret: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
      key: fc.constantFrom(...KEYS, 'connect.sid', 'connect.sid'),
      liveSid: sessionIdArb,
      otherSid: sessionIdArb,
      header: headerPlanArb,
      query: queryPlanArb,
      allowUnsignedSessionIdQuery: fc.boolean(),
      cookieParser: fc.constantFrom('built-in', 'built-in', 'factory', 'middleware', 'middleware-without-secret' as const),
      shape: fc.constantFrom('v4', 'v4', 'v2', 'v09' as const),
      store: storePlanArb,
      deserialize: deserializePlanArb,
      deserializerArity: fc.constantFrom(2 as const, 3 as const),
      success: callbackPlanArb(false),
      fail: callbackPlanArb(true),
    })
    .filter(({ secrets, foreignSecret, liveSid, otherSid }) => !secrets.includes(foreignSecret) && liveSid !== otherSid)
    .map((drawn) => {
      const ctx: Context = { ...drawn, key: drawn.key };
      return {
        secrets: drawn.secrets,
        secretAsString: drawn.secretAsString,
        key: drawn.key,
        cookieHeader: renderHeader(drawn.header, ctx),
        query: renderQuery(drawn.query, ctx),
        allowUnsignedSessionIdQuery: drawn.allowUnsignedSessionIdQuery,
        cookieParser: drawn.cookieParser,
        shape: drawn.shape,
        liveSid: drawn.liveSid,
        store: drawn.store,
        deserialize: drawn.deserialize,
        deserializerArity: drawn.deserializerArity,
        success: drawn.success,
        fail: drawn.fail,
        timeout,
      } satisfies Scenario;
    });
}

/** Cookie headers alone, with the key and secrets they were made for (for the reader's own properties). */
export const cookieHeaderArb = fc
  .record({
    secrets: secretsArb,
    foreignSecret: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
    key: fc.constantFrom(...KEYS),
    liveSid: sessionIdArb,
    otherSid: sessionIdArb,
    header: headerPlanArb,
  })
  .filter(({ secrets, foreignSecret }) => !secrets.includes(foreignSecret))
  .map((drawn) => ({ ...drawn, cookieHeader: renderHeader(drawn.header, drawn) ?? '' }));
