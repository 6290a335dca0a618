/**
 * The browser for the demo's end-to-end test: Debian's `chromium` package, never a downloaded
 * build. When it is missing, it is installed with apt-get as root (or through passwordless sudo,
 * as on CI runners); a laptop without either gets a skip, and CI=true turns that skip into a failure.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Each apt-get step may take this long before it is killed; a cold mirror is slow, not stuck. */
const APT_STEP_TIMEOUT_MS = 15 * 60 * 1000;

export type ChromiumResult = { path: string; installed: boolean } | { unavailable: string };

export async function ensureChromium(): Promise<ChromiumResult> {
  if (isExecutable(CHROMIUM_PATH)) return { path: CHROMIUM_PATH, installed: false };
  if (process.env.CHROMIUM_PATH) return { unavailable: `CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable` };
  if (!isExecutable('/usr/bin/apt-get')) {
    return { unavailable: `${CHROMIUM_PATH} is missing and this machine has no apt-get: install Chromium and set CHROMIUM_PATH` };
  }
  const asRoot = process.getuid?.() === 0 ? [] : (await succeeds('sudo', ['-n', 'true'])) ? ['sudo', '-n', '-E'] : null;
  if (asRoot === null) {
    return { unavailable: `${CHROMIUM_PATH} is missing and installing it needs root: run \`sudo apt-get install -y chromium\`` };
  }
  const apt = (args: string[]) => run([...asRoot, 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args]);
  console.log('# chromium: not installed; running apt-get update && apt-get install -y chromium');
  const update = await apt(['update']);
  if (update) return { unavailable: `apt-get update failed: ${update}` };
  const install = await apt(['install', '-y', 'chromium']);
  if (install) return { unavailable: `apt-get install -y chromium failed: ${install}` };
  if (!isExecutable(CHROMIUM_PATH)) return { unavailable: `apt-get installed chromium but ${CHROMIUM_PATH} is still missing` };
  return { path: CHROMIUM_PATH, installed: true };
}

/** The flags the demo test launches Chromium with: headless, no sandbox (root in containers), no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function succeeds(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (error) => resolve(error === null));
  });
}

/** Runs a command; resolves with '' on success, else a short reason with the tail of its output. */
function run(argv: string[]): Promise<string> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        timeout: APT_STEP_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve('');
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-5).join(' | ');
        resolve(error.killed ? `timed out after ${APT_STEP_TIMEOUT_MS / 60_000} min` : `${error.message.split('\n')[0]} ${tail}`);
      },
    );
  });
}
