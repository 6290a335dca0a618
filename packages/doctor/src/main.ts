import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { runDoctor } from './doctor';
import { EXIT, exitCodeOf, formatHuman, formatJson } from './report';

const USAGE = `Usage: npx passport.socketio-compat-doctor [dir] [--fix] [--json]

Reads the app in dir (default: the current directory) and lists, file and line, what to change
or check to move it from passport.socketio to passport.socketio-compat, including pinned
versions of socket.io, Express, express-session, Passport, cookie-parser and the session store
that npm would refuse or that are not tested.

  --fix    rewrite the import/require lines and package.json's dependency, print the diff
  --json   print the report as JSON
  --help   print this help

Exit code: 0 nothing needs attention, 1 something does, 2 usage error or unreadable dir.
`;

/** Where the CLI writes; the process streams in real use, buffers in tests. */
interface Console {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

interface DoctorArguments {
  dir: string;
  fix: boolean;
  json: boolean;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export function main(argv: readonly string[], io: Console): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return EXIT.clean;
  }
  const parsed = parseDoctorArguments(argv);
  if (typeof parsed === 'string') {
    io.stderr.write(`${parsed}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const dir = resolve(io.cwd, parsed.dir);
  if (!isDirectory(dir)) {
    io.stderr.write(`Not a directory: ${parsed.dir}\n`);
    return EXIT.usage;
  }
  let report: ReturnType<typeof runDoctor>;
  try {
    report = runDoctor({ dir, fix: parsed.fix });
  } catch (err) {
    io.stderr.write(`Could not read ${parsed.dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
  if (report.empty) {
    io.stderr.write(`No JavaScript or TypeScript files and no package.json in ${parsed.dir}: is it the app's directory?\n`);
    return EXIT.usage;
  }
  io.stdout.write(parsed.json ? formatJson(report) : formatHuman(report, parsed.dir));
  return exitCodeOf(report);
}

/** The doctor's flags and directory, or a message saying what is wrong with them. */
function parseDoctorArguments(args: readonly string[]): DoctorArguments | string {
  const result: DoctorArguments = { dir: '.', fix: false, json: false };
  const dirs: string[] = [];
  for (const arg of args) {
    if (arg === '--fix') result.fix = true;
    else if (arg === '--json') result.json = true;
    else if (arg.startsWith('-')) return `Unknown option: ${arg}`;
    else dirs.push(arg);
  }
  if (dirs.length > 1) return `One directory at a time, not ${dirs.length}: ${dirs.join(' ')}`;
  if (dirs[0] !== undefined) result.dir = dirs[0];
  return result;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
