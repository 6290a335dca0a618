/**
 * One contender, one store, in a process of its own (started with --expose-gc): authorizes
 * batches of handshakes on the driver's command and reports CPU per authorization and retained
 * heap per authorized socket. Optional arguments: the Cookie header's kind (`normal`; `junk`: the
 * session cookie behind 15 KB of junk signed cookies; `large`: behind as many ordinary cookies)
 * and how many secrets the app has.
 */
import { contenderById } from '../lib/contenders';
import {
  type BenchStore,
  createPassport,
  createStore,
  junkSignedCookies,
  largeOrdinaryCookies,
  rejectedCookies,
  type StoreKind,
  secretsFor,
  seedSessions,
} from '../lib/fixtures';
import { type Authorizer, authorizerOf, type CapturedHandshake, type Handshake, HandshakeFactory } from '../lib/handshakes';
import { serve } from '../lib/ipc';

const [contenderId = '', storeKind = 'memory', headerKind = 'normal', secretCount = '1'] = process.argv.slice(2);
const junk = headerKind === 'junk' ? `${junkSignedCookies()}; ` : headerKind === 'large' ? `${largeOrdinaryCookies()}; ` : '';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('auth-worker needs --expose-gc');

let benchStore: BenchStore | undefined;
let factory: HandshakeFactory;
let authorizer: Authorizer;
let cookies: string[] = [];
let nextCookie = 0;

function fullGc(): void {
  gc?.();
  gc?.();
}

/** Authorizes every handshake, at most `window` at a time; resolves with the number refused. */
function authorizeAll(handshakes: Handshake[], window: number): Promise<number> {
  return new Promise((resolve) => {
    let started = 0;
    let finished = 0;
    let refused = 0;
    // A contender that decides synchronously would otherwise recurse once per handshake.
    let pumping = false;
    let wanted = 0;
    const onDone = (err?: unknown) => {
      if (err) refused++;
      if (++finished === handshakes.length) resolve(refused);
      else pump();
    };
    const pump = () => {
      wanted++;
      if (pumping) return;
      pumping = true;
      while (wanted > 0) {
        wanted--;
        const handshake = handshakes[started++];
        if (handshake) authorizer(handshake, onDone);
      }
      pumping = false;
    };
    if (handshakes.length === 0) resolve(0);
    for (let i = 0; i < Math.min(window, handshakes.length); i++) pump();
  });
}

function validHandshakes(count: number): Handshake[] {
  const handshakes: Handshake[] = new Array(count);
  for (let i = 0; i < count; i++) handshakes[i] = factory.create(junk + cookies[nextCookie++ % cookies.length]);
  return handshakes;
}

function authorizeOne(cookie: string | undefined): Promise<{ accepted: boolean; user: unknown }> {
  const handshake = factory.create(cookie);
  return new Promise((resolve) =>
    authorizer(handshake, (err) => resolve({ accepted: !err, user: contenderById(contenderId).userOf(handshake.socket) })),
  );
}

serve(
  {
    async init(args: { captured: CapturedHandshake; sessions: number }) {
      benchStore = await createStore(storeKind as StoreKind);
      cookies = await seedSessions(benchStore.store, args.sessions);
      factory = new HandshakeFactory(args.captured);
      authorizer = authorizerOf(contenderById(contenderId), {
        store: benchStore.store,
        passport: createPassport(),
        secret: secretsFor(Number(secretCount)),
      });
      return { pid: process.pid };
    },

    /** Proves the contender really authorizes: the valid cookie gets its user, the others are refused. */
    async check() {
      const valid = await authorizeOne(junk + cookies[0]);
      const rejected = rejectedCookies();
      return {
        validAccepted: valid.accepted,
        validUserId: (valid.user as { id?: unknown } | undefined)?.id ?? null,
        missingAccepted: (await authorizeOne(rejected.missing)).accepted,
        forgedAccepted: (await authorizeOne(rejected.forged)).accepted,
        unknownAccepted: (await authorizeOne(rejected.unknown)).accepted,
      };
    },

    /**
     * CPU (user + system, all threads, GC included) per authorization over one batch. The batch
     * is authorized in chunks, each prepared just before it runs: as in a server, where socket.io
     * creates the request and the socket moments before the middleware sees them, they are
     * still young objects (a batch prepared long before would sit in the old generation, where
     * every property an authorizer writes on them costs a write barrier it would not pay live).
     */
    async cpu(args: { size: number; window: number; chunk: number }) {
      let cpuUs = 0;
      let wallNs = 0;
      let refused = 0;
      for (let done = 0; done < args.size; done += args.chunk) {
        const handshakes = validHandshakes(Math.min(args.chunk, args.size - done));
        const wallStart = process.hrtime.bigint();
        const cpuStart = process.cpuUsage();
        refused += await authorizeAll(handshakes, args.window);
        const cpu = process.cpuUsage(cpuStart);
        wallNs += Number(process.hrtime.bigint() - wallStart);
        cpuUs += cpu.user + cpu.system;
      }
      return { cpuUs: cpuUs / args.size, wallUs: wallNs / 1000 / args.size, refused };
    },

    /** Heap still held, after full GCs, per socket kept connected (what authorization added to it). */
    async heap(args: { count: number; window: number }) {
      let handshakes: Handshake[] | undefined = validHandshakes(args.count);
      fullGc();
      const before = process.memoryUsage().heapUsed;
      const refused = await authorizeAll(handshakes, args.window);
      // Let timers, microtasks and store callbacks that outlive the decision finish first.
      await new Promise((resolve) => setImmediate(resolve));
      fullGc();
      const after = process.memoryUsage().heapUsed;
      const kept = handshakes.length;
      handshakes = undefined;
      return { bytesPerSocket: (after - before) / kept, refused };
    },
  },
  async () => {
    await benchStore?.cleanup();
  },
);
