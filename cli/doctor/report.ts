// What `redscope doctor` found, link by link: each check is ok, a warning, a failure (with
// the fix) or information. Rendering goes through the secret registry as a last line of
// defence; the checks themselves never put a secret into a message.
import { scrubRegistered } from '../../common/redact.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Check {
  /** The link checked: `Redis cluster "orders"`, `Kafka`, `ClickHouse reader`, `chat receiver ops`. */
  link: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warning or failure. */
  fix?: string;
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', info: '·' };

export const check = (link: string, status: CheckStatus, message: string, fix?: string): Check => ({
  link,
  status,
  message,
  ...(fix ? { fix } : {}),
});

/** Grouped by link, in the order checked; a summary line last. */
export function renderReport(checks: readonly Check[]): string {
  const links = [...new Set(checks.map((c) => c.link))];
  const lines: string[] = [];
  for (const link of links) {
    lines.push(link);
    for (const c of checks.filter((x) => x.link === link)) {
      lines.push(`  ${MARK[c.status]} ${c.message}`);
      if (c.fix) lines.push(`      fix: ${c.fix}`);
    }
  }
  const fails = checks.filter((c) => c.status === 'fail').length;
  const warns = checks.filter((c) => c.status === 'warn').length;
  lines.push(
    '',
    fails + warns === 0
      ? `all ${checks.length} checks passed`
      : `${fails} problem${fails === 1 ? '' : 's'}, ${warns} warning${warns === 1 ? '' : 's'} (of ${checks.length} checks)`,
  );
  return scrubRegistered(lines.join('\n'));
}
