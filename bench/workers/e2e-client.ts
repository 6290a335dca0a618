/**
 * The load generator: real socket.io-client connections (websocket), a fixed number in flight,
 * each connecting with a logged-in user's cookie and disconnecting once accepted.
 */
import { serve } from '../lib/ipc';
import { quantile } from '../lib/stats';

const ioClient = require('socket.io-client');

interface RunArgs {
  url: string;
  cookies: string[];
  count: number;
  concurrency: number;
}

function handshake(url: string, cookie: string): Promise<{ ok: boolean; ms: number }> {
  const started = process.hrtime.bigint();
  const socket = ioClient(url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: { cookie } });
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      socket.off('connect');
      socket.off('connect_error');
      socket.disconnect();
      resolve({ ok, ms });
    };
    socket.once('connect', () => finish(true));
    socket.once('connect_error', () => finish(false));
  });
}

serve({
  async run(args: RunArgs) {
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const lane = async () => {
      while (next < args.count) {
        const i = next++;
        const result = await handshake(args.url, args.cookies[i % args.cookies.length] as string);
        if (result.ok) latencies.push(result.ms);
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, lane));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    return {
      ok: latencies.length,
      failed,
      perSecond: (args.count / wallMs) * 1000,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      clientCpuUs: (cpu.user + cpu.system) / args.count,
    };
  },
});
