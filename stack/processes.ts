// Process plumbing shared by the stack services: pid files, detached spawns,
// stopping by pid, running a command to completion, and polling with a deadline.
// Everything here is Linux-first (the stack runs on Debian); /proc is used when
// present to avoid signalling a recycled pid that no longer belongs to us.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type Log = (line: string) => void;

/** Writes a file only its owner may read (it holds passwords or their hashes), also when it existed before. */
export function writePrivateFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function readPidFile(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is a live (non-zombie) process whose command line contains `commandHint`. */
export function isProcessAlive(pid: number, commandHint?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // EPERM means it exists but belongs to someone else: never ours.
    return false;
  }
  const procDir = `/proc/${pid}`;
  if (!existsSync(procDir)) return true; // no procfs: trust kill(0)
  try {
    // A zombie still answers kill(0); field 3 of stat is the state letter.
    const stat = readFileSync(`${procDir}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (commandHint) {
      const cmdline = readFileSync(`${procDir}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!cmdline.includes(commandHint)) return false; // pid was recycled by another program
    }
  } catch {
    return false; // exited between the checks
  }
  return true;
}

/** True when the process is frozen (SIGSTOP / job control), as failover tests do to Redis nodes. */
export function isProcessStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
  } catch {
    return false;
  }
}

/** The live pid recorded in `pidFile`, or undefined (stale pid files are ignored, not deleted). */
export function livePidFromFile(pidFile: string, commandHint: string): number | undefined {
  const pid = readPidFile(pidFile);
  return pid !== undefined && isProcessAlive(pid, commandHint) ? pid : undefined;
}

export interface DetachedSpawn {
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr are appended here, so a crash at start-up leaves a trace. */
  outputFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a long-lived server that must outlive this Node process (the CLI exits
 * right after `stack up`): its own process group, no pipes back to us, unref'd.
 */
export async function spawnDetached(spec: DetachedSpawn): Promise<number> {
  mkdirSync(dirname(spec.outputFile), { recursive: true });
  const out = openSync(spec.outputFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    // ENOENT and friends arrive as an 'error' event, after spawn() returned.
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`could not start ${spec.command}: ${err.message}`)));
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    writeFileSync(spec.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(out);
  }
}

/**
 * SIGTERM, wait up to `timeoutMs` for a clean exit, then SIGKILL.
 * Returns false when there was nothing of ours to stop.
 */
export async function stopByPidFile(pidFile: string, commandHint: string, timeoutMs: number): Promise<boolean> {
  const pid = livePidFromFile(pidFile, commandHint);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return false;
  }
  await stopPid(pid, commandHint, timeoutMs);
  rmSync(pidFile, { force: true });
  return true;
}

export async function stopPid(pid: number, commandHint: string, timeoutMs: number): Promise<void> {
  // A server we (or a test) froze with SIGSTOP would ignore SIGTERM until continued.
  safeKill(pid, 'SIGCONT');
  safeKill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid, commandHint)) return;
    await sleep(100);
  }
  safeKill(pid, 'SIGKILL');
  while (isProcessAlive(pid, commandHint)) await sleep(50);
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing output; never throws for a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n(killed after ${opts.timeoutMs} ms)`;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Like runCommand, but a non-zero exit is an Error carrying the command and its output tail. */
export async function runChecked(
  command: string,
  args: string[],
  opts: Parameters<typeof runCommand>[2] = {},
): Promise<string> {
  const res = await runCommand(command, args, opts);
  if (res.code !== 0) {
    const tail = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${res.code}:\n${tail}`);
  }
  return res.stdout;
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it returns true. A string return is "not yet, because …" and
 * becomes part of the timeout error; a thrown error aborts the wait at once
 * (e.g. the server process died, so waiting longer cannot help).
 */
export async function waitFor(
  what: string,
  probe: () => Promise<true | string>,
  opts: { timeoutMs: number; intervalMs?: number; hint?: string },
): Promise<void> {
  const started = Date.now();
  let last = 'no check finished';
  for (;;) {
    const res = await probe();
    if (res === true) return;
    last = res;
    if (Date.now() - started >= opts.timeoutMs) {
      const hint = opts.hint ? `\n${opts.hint}` : '';
      throw new Error(`${what} not ready after ${Math.round(opts.timeoutMs / 1000)} s: ${last}${hint}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** Last `lines` lines of a text file, for error messages ('' when absent). */
export function tailFile(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
