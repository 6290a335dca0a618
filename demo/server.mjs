// `npm start`: builds the package, then runs this demo against the build.
//   PORT (default 3000), HOST (default 127.0.0.1), REDIS_URL (a Redis session store instead of
//   memory), REDIS_PREFIX (its key prefix), SESSION_SECRET (default: random per start).
import { DEMO_USERS, startDemo } from './app.mjs';

const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

let demo;
try {
  demo = await startDemo({
    port,
    host: process.env.HOST || '127.0.0.1',
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: process.env.REDIS_PREFIX || undefined,
    secret: process.env.SESSION_SECRET || undefined,
  });
} catch (err) {
  const hint = err?.code === 'EADDRINUSE' ? ` (port ${port} is taken: try PORT=${port + 1} npm start)` : '';
  console.error(`the demo could not start: ${err?.message ?? err}${hint}`);
  process.exit(1);
}

// One write, so that whoever reads the first line has the whole banner.
console.log(
  [
    `passport.socketio-compat demo running at ${demo.url}/`,
    `session store: ${demo.storeKind === 'redis' ? 'Redis (REDIS_URL)' : 'in memory (set REDIS_URL to use Redis)'}`,
    'demo users (username / password):',
    ...DEMO_USERS.map((user) => `  ${user.username} / ${user.password}`),
    'press Ctrl+C to stop',
  ].join('\n'),
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
