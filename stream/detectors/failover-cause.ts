// Is there a cause for this failover, and what does the evidence show? Pure.
//
// A command (or a latency spike such as a fork) is named as the cause only when
// - its execution overlaps the stall: it started no later than the node answered again
//   (or, still silent, now) and ended no earlier than the node stopped answering. The
//   slowlog and the latency monitor log a command when it *ends*, in whole seconds, so its
//   start is `end − duration` with up to a second of slack either way; and
// - it lasted a meaningful share of cluster-node-timeout (`causeMinShare`, default half):
//   a 400 ms DEL cannot have kept a node silent for the 15 s it takes to fail it over.
// Otherwise nothing is named, and the text says what the evidence shows: the node stopped
// answering everything (PING, INFO and the cluster bus), a fork was running, shorter slow
// commands seen meanwhile, or that the slowlog of a stalled node is only readable once it
// answers again.
import { formatCount } from './events.ts';
import type { Candidate, NodeEvidence } from './failover-evidence.ts';

/** loggedAtS / atS are whole seconds: the true end is up to this much later. */
const SECOND_SLACK_MS = 1000;

export interface Stall {
  stoppedAtMs: number;
  answeredAgainMs: number | null;
}

export interface CauseInput {
  addr: string;
  node: NodeEvidence | undefined;
  stall: Stall;
  /** When the promotion was seen. */
  promotedAtMs: number;
  nowMs: number;
  minShare: number;
  /** The search is ending: a latency spike may be named without waiting for the slowlog. */
  final?: boolean;
}

export function timeOfDay(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 21)} UTC`;
}

const seconds = (ms: number) => `${(Math.abs(ms) / 1000).toFixed(1)} s`;

/** The node timeout to judge by: configured (config audit), else the stall up to the promotion (an upper bound). */
function nodeTimeoutOf(input: CauseInput): { ms: number; known: boolean } {
  const known = input.node?.nodeTimeoutMs;
  if (known !== undefined && known > 0) return { ms: known, known: true };
  return { ms: Math.max(1000, input.promotedAtMs - input.stall.stoppedAtMs), known: false };
}

function overlaps(c: Candidate, stall: Stall, nowMs: number): boolean {
  const startMs = c.endMs - c.durationMs;
  const until = stall.answeredAgainMs ?? nowMs;
  return startMs <= until && c.endMs + SECOND_SLACK_MS >= stall.stoppedAtMs;
}

/** The cause, as one line for chat, or null. */
export function findCause(input: CauseInput): string | null {
  const { node, stall } = input;
  if (!node) return null;
  const timeout = nodeTimeoutOf(input);
  // A latency spike says only "a command" (or a fork); until the old master's slowlog has
  // been read after the stall, the slowlog may still name the command — wait for it.
  const slowlogKnown = input.final || slowlogReadAfterStall(node, stall);
  const causes = node.candidates
    .filter((c) => overlaps(c, stall, input.nowMs) && c.durationMs >= input.minShare * timeout.ms)
    .filter((c) => c.source === 'slowlog' || slowlogKnown)
    // A slowlog entry names the command; a latency spike of the same stall only says "a command".
    .sort((a, b) => Number(b.source === 'slowlog') - Number(a.source === 'slowlog') || b.durationMs - a.durationMs);
  const c = causes[0];
  if (!c) return null;
  const lead = stall.stoppedAtMs - (c.endMs - c.durationMs);
  const started =
    Math.abs(lead) < 100
      ? 'as it stopped answering'
      : lead > 0
        ? `${seconds(lead)} before it stopped answering`
        : `${seconds(lead)} after its last answer`; // within the slack of whole seconds, or between two samples
  const nodeTimeout = timeout.known
    ? `is ${formatCount(timeout.ms)} ms`
    : `≤ ${formatCount(timeout.ms)} ms (estimated)`;
  return `${c.what} ran ${formatCount(c.durationMs)} ms on ${input.addr} (${c.source}), started ${started} (${timeOfDay(stall.stoppedAtMs)}); cluster-node-timeout ${nodeTimeout}`;
}

/** What the evidence shows when no cause is (yet) found: hints for the failover message. */
export function evidenceHints(input: CauseInput & { cluster: string; searching: boolean }): string[] {
  const { node, stall, addr } = input;
  const hints: string[] = [];
  const silentFor = input.promotedAtMs - stall.stoppedAtMs;
  hints.push(
    `${addr} stopped answering at ${timeOfDay(stall.stoppedAtMs)} (PING, INFO and the cluster bus), ${seconds(silentFor)} before the promotion${
      stall.answeredAgainMs ? `; it answered again at ${timeOfDay(stall.answeredAgainMs)}` : ''
    }.`,
  );
  if (node?.forking) hints.push(`a fork (BGSAVE or AOF rewrite) was running on ${addr} at its last INFO.`);
  const timeout = nodeTimeoutOf(input);
  const shorter = (node?.candidates ?? []).filter((c) => overlaps(c, stall, input.nowMs));
  for (const c of shorter.slice(-2))
    hints.push(
      `${c.what} ran ${formatCount(c.durationMs)} ms on ${addr} then: too short to explain a failover (cluster-node-timeout ${timeout.known ? '' : '≤ '}${formatCount(timeout.ms)} ms).`,
    );
  if (input.searching)
    hints.push(
      `no slow command, latency spike or fork recorded for the stall so far: a blocked node's slowlog is read when it answers again (a follow-up names the cause if one is found).`,
    );
  else
    hints.push(
      `no command or fork explains the stall: the process stopped answering everything — stopped (SIGSTOP, a debugger), swapping, or its host or network failed.`,
    );
  return hints;
}

/** True once the old master's slowlog has been read after it answered again: what caused the stall is logged by then. */
export function slowlogReadAfterStall(node: NodeEvidence | undefined, stall: Stall): boolean {
  return !!node && stall.answeredAgainMs !== null && node.slowlogReadMs >= stall.answeredAgainMs + 500;
}
