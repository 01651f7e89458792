// Runs the Go checker (main.go beside this file) from TypeScript: builds it once per
// process with `go build` (Go's cache makes a rebuild instant) and exchanges JSON lines
// with it. A fresh machine first downloads the pinned modules from the Go proxy (~300 MB)
// and compiles them: 4 minutes on this 2-core machine under load, so the integration
// tests' global setup builds it once, before any test and its timeout (buildCheckerAsync).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = fileURLToPath(new URL('./', import.meta.url));
const BINARY = fileURLToPath(new URL('../../.redscope/bin/dashboards-check', import.meta.url));

let built = false;

// -buildvcs=false: the binary needs no VCS stamp, and stamping fails in unusual checkouts.
const BUILD_ARGS = ['build', '-buildvcs=false', '-o', BINARY, '.'];

export function buildChecker(): string {
  if (!built) {
    mkdirSync(fileURLToPath(new URL('../../.redscope/bin/', import.meta.url)), { recursive: true });
    execFileSync('go', BUILD_ARGS, { cwd: SOURCE_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    built = true;
  }
  return BINARY;
}

/** The same build without blocking the event loop (global setup); says clearly when Go is missing. */
export async function buildCheckerAsync(): Promise<string> {
  mkdirSync(fileURLToPath(new URL('../../.redscope/bin/', import.meta.url)), { recursive: true });
  try {
    await promisify(execFile)('go', BUILD_ARGS, { cwd: SOURCE_DIR, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('dashboards/check needs Go (go.mod asks for 1.26.5 or newer) on the PATH to build the checker');
    throw new Error(`go build of dashboards/check failed: ${e.stderr?.trim() || e.message}`);
  }
  built = true;
  return BINARY;
}

function run<T>(args: string[], input?: string): T[] {
  const r = spawnSync(buildChecker(), args, { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`dashboards-check ${args[0]} exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface SchemaResult {
  file: string;
  uid?: string;
  error?: string;
}

/** Strict unmarshal + Validate() of each dashboard JSON file (Grafana Foundation SDK, Go). */
export function checkSchema(files: readonly string[]): SchemaResult[] {
  return run<SchemaResult>(['schema', ...files]);
}

/** ClickHouse's JSONCompact output for one query, and the format the panel asks the plugin for. */
export interface FrameInput {
  id: string;
  format: 'timeseries' | 'table';
  meta: Array<{ name: string; type: string }>;
  data: unknown[][];
}

export interface FrameResult {
  id: string;
  /** Before conversion: 'long' | 'wide' | 'not' (a time series or not, as the plugin SDK sees it). */
  schema: string;
  rows: number;
  /** After the plugin's conversion (long → wide for time series). */
  fields?: Array<{ name: string; type: string; labels?: Record<string, string> }>;
  error?: string;
}

/** Each result turned into a data frame as the ClickHouse plugin does, long → wide for time series. */
export function checkFrames(inputs: readonly FrameInput[]): FrameResult[] {
  if (inputs.length === 0) return [];
  return run<FrameResult>(['frames'], `${inputs.map((i) => JSON.stringify(i)).join('\n')}\n`);
}
