/**
 * Runs the demo exactly as `npm start` does after its build (`node demo/server.mjs`), on a free
 * port, in its own process, and stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const root = join(__dirname, '../..');

export interface DemoProcess {
  url: string;
  /** Everything the demo printed so far (stdout and stderr). */
  output(): string;
  /** Stops it with SIGTERM, as Ctrl+C would; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Generous: a cold start imports express, socket.io and the build; it never takes this long. */
const START_TIMEOUT_MS = 30_000;

export async function startDemoProcess(env: Record<string, string> = {}): Promise<DemoProcess> {
  const child = spawn(process.execPath, [join(root, 'demo/server.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the demo did not print its URL within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = () => {
      const match = /running at (http:\/\/\S+?)\/?\s/.exec(output);
      if (match) done(() => resolve(match[1]!));
    };
    const onExit = (code: number | null) => fail(new Error(`the demo exited with code ${code} before listening:\n${output}`));
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      then();
    };
    const fail = (error: Error) => {
      done(() => reject(error));
      child.kill('SIGKILL');
    };
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });

  return { url, output: () => output, stop: () => stopProcess(child) };
}

async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return code;
}

/** The part of a Cookie header for one cookie, from a fetch response's Set-Cookie lines. */
export function cookieFrom(response: Response, name: string): string {
  const pair = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((p) => p.startsWith(`${name}=`));
  if (!pair) throw new Error(`no ${name} cookie in the response (status ${response.status})`);
  return pair;
}

/**
 * The same session cookie with its signature altered: the session id is real, the signature is
 * not, as a forger who learned an id would send it.
 */
export function tamperSignature(value: string): string {
  const decoded = decodeURIComponent(value);
  const dot = decoded.lastIndexOf('.');
  if (!decoded.startsWith('s:') || dot < 0) throw new Error('not a signed session cookie');
  const signature = decoded.slice(dot + 1);
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return encodeURIComponent(`${decoded.slice(0, dot)}.${flipped}`);
}
