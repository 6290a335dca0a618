import { isDeepStrictEqual } from 'node:util';
import { sign } from 'cookie-signature';
import type { CookieParserMiddleware, SignedCookies } from '../types';

/**
 * The cookie-parser package's own factory (`require('cookie-parser')`), told by the helpers the
 * package exports beside it. What legacy apps pass as `cookieParser`.
 */
export function looksLikeCookieParserFactory(candidate: unknown): candidate is (secret: unknown) => unknown {
  if (typeof candidate !== 'function' || candidate.name !== 'cookieParser' || candidate.length > 2) return false;
  const helpers = candidate as unknown as Record<string, unknown>;
  return ['JSONCookie', 'JSONCookies', 'signedCookie', 'signedCookies'].every((name) => typeof helpers[name] === 'function');
}

/**
 * Whether `middleware` (made by cookie-parser with the app's secret) leaves in `req.signedCookies`
 * exactly what `builtIn` reads, on headers that tell apart every known way cookie-parser releases
 * read cookies: quotes, percent-encoding, whitespace, duplicate and prototype names, `j:` values,
 * each secret. When it does, the built-in reader stands in for it (same values, a fraction of the
 * work); when it does not (another release, or another secret), the middleware keeps being called.
 */
export function readsLikeBuiltIn(
  factory: (secret: unknown) => unknown,
  middleware: CookieParserMiddleware,
  builtIn: (header: string) => SignedCookies,
  secrets: readonly string[],
  key: string,
): boolean {
  // Apps that call authorize() inside their own middleware make one per handshake: probe once.
  const cacheKey = JSON.stringify([secrets, key]);
  let answers = probed.get(factory);
  const known = answers?.get(cacheKey);
  if (known !== undefined) return known;
  let alike: boolean;
  try {
    alike = probeHeaders(secrets, key).every((header) => sameCookies(runMiddleware(middleware, header), builtIn(header)));
  } catch {
    alike = false;
  }
  if (answers === undefined) {
    answers = new Map();
    probed.set(factory, answers);
  }
  // Bounded: the oldest answer goes first (an app has a handful of secret sets at most).
  if (answers.size >= 16) answers.delete(answers.keys().next().value as string);
  answers.set(cacheKey, alike);
  return alike;
}

/** The probe's answer per factory, by secrets and cookie name. */
const probed = new WeakMap<object, Map<string, boolean>>();

function runMiddleware(middleware: CookieParserMiddleware, header: string): unknown {
  const req: { headers: { cookie: string }; signedCookies?: unknown } = { headers: { cookie: header } };
  let called = false;
  middleware(req, {}, (err?: unknown) => {
    if (err) throw err;
    called = true;
  });
  if (!called) throw new Error('cookieParser did not call next synchronously');
  return req.signedCookies;
}

function sameCookies(theirs: unknown, ours: SignedCookies): boolean {
  if (theirs === null || typeof theirs !== 'object') return false;
  const theirKeys = Object.keys(theirs);
  const ourKeys = Object.keys(ours);
  if (!isDeepStrictEqual(theirKeys, ourKeys)) return false;
  return theirKeys.every((name) => isDeepStrictEqual((theirs as Record<string, unknown>)[name], ours[name]));
}

function probeHeaders(secrets: readonly string[], key: string): string[] {
  const [first = ''] = secrets;
  const signed = (value: string, secret = first) => `s:${sign(value, secret)}`;
  const uri = (value: string) => encodeURIComponent(value);
  const headers = [
    '',
    'a',
    `${key}=${uri(signed('plain-id'))}`,
    `${key}=${signed('raw-id')}`,
    `${key}="${uri(signed('quoted-id'))}"`,
    `${key}="${uri(signed('one-quote'))}`,
    ` \t${key} \t= \t${uri(signed('spaced'))}\t ; other\t=\t${uri(signed('tab'))} `,
    `${key}=${uri(signed('first'))}; ${key}=${uri(signed('second'))}`,
    `${key}=${signed('a%zz')}; pct=%73%3A${uri(sign('encoded', first))}`,
    `${key}=${uri(signed('id', 'not the secret'))}; junk=s:.; empty=s:; short=s:x.abc; bare=s`,
    `x; y=${uri(signed('after a pair without =', first))}; a=b=${uri(signed('c'))}; =${uri(signed('no name'))}; q2="`,
    `__proto__=${uri(signed('p'))}; constructor=${uri(signed('c'))}; toString=${uri(signed('t'))}; hasOwnProperty=${uri(signed('h'))}`,
    `1=${uri(signed('one'))}; b=${uri(signed('b'))}; 0=${uri(signed('zero'))}`,
    [
      `o=${uri(signed('j:{"a":[1]}'))}`,
      `n=${uri(signed('j:1'))}`,
      `z=${uri(signed('j:0'))}`,
      `f=${uri(signed('j:false'))}`,
      `s=${uri(signed('j:"text"'))}`,
      `e=${uri(signed('j:""'))}`,
      `l=${uri(signed('j:null'))}`,
      `bad=${uri(signed('j:{'))}`,
      `plain=j:{"not":"signed"}`,
    ].join('; '),
  ];
  secrets.forEach((secret, i) => {
    headers.push(`${key}=${uri(signed(`id-${i}`, secret))}; other=${uri(signed(`other-${i}`, secret))}`);
  });
  return headers;
}
