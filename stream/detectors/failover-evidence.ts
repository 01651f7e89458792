// What the failover detector knows about each node of a cluster, from the samples the
// processor sees anyway — no ClickHouse query on the alert path:
// - when the node last answered (any sample from it: INFO, topology, latency, slowlog,
//   config audit) and the silences between its samples (a stall seen after the fact);
// - when the other nodes last had a PONG from it on the cluster bus (CLUSTER NODES);
// - its slow commands (SLOWLOG, logged when a command *ends*, read every few seconds —
//   so a command that blocked the node is visible only once the node answers again) and
//   its latency monitor spikes (LATENCY LATEST: `command`, `fork`, …);
// - whether a background save or AOF rewrite (a fork) was running at its last INFO;
// - its cluster-node-timeout (config audit).
//
// Kept small enough to persist with the detector state: only candidates ≥ MIN_CANDIDATE_MS,
// only the last few minutes, a few per node.
import type {
  ConfigAuditSampleV1,
  InfoSampleV1,
  LatencySampleV1,
  SlowlogSampleV1,
  TopologySampleV2,
} from '../../contracts/index.ts';

/** No sample from a node for this long is a silence worth remembering (samplers run every second). */
export const GAP_MS = 1800;
/** Slow commands and latency spikes shorter than this cannot explain a failover. */
const MIN_CANDIDATE_MS = 100;
const KEEP_MS = 5 * 60_000;
const MAX_CANDIDATES = 12;
const MAX_GAPS = 6;

export interface Candidate {
  /** When it ended (unix ms; the slowlog and latency monitor have one-second resolution). */
  endMs: number;
  durationMs: number;
  /** `DEBUG sleep 8` (slowlog, arguments as the collector redacted them) or `latency monitor: fork`. */
  what: string;
  source: 'slowlog' | 'latency';
}

export interface NodeEvidence {
  lastAnswerMs: number;
  /** [from, to]: no sample from the node in between (from = last answer before, to = first after). */
  gaps: Array<[number, number]>;
  candidates: Candidate[];
  /** Sample time of the newest slowlog read from it: entries logged before then are known. */
  slowlogReadMs: number;
  /** A fork (BGSAVE / AOF rewrite) was running at its last INFO. */
  forking: boolean;
  nodeTimeoutMs?: number;
}

export interface ClusterEvidence {
  /** By address (host:port). */
  nodes: Record<string, NodeEvidence>;
  /** By node id: the newest PONG any observer had from it (cluster bus). */
  pongs: Record<string, number>;
  /** By node id: when observers began to flag it pfail/fail (the latest such episode), and last did. */
  failing?: Record<string, { firstMs: number; lastMs: number }>;
}

export type EvidenceSample = TopologySampleV2 | SlowlogSampleV1 | InfoSampleV1 | LatencySampleV1 | ConfigAuditSampleV1;

export function emptyEvidence(): ClusterEvidence {
  return { nodes: {}, pongs: {} };
}

/** `DEL user:1`, `EVAL local t0 = redis.call('TIME') while…`: one line, short enough for a chat message. */
function commandText(command: string, args: readonly string[]): string {
  const text = `${command.toUpperCase()} ${args.join(' ')}`.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function nodeOf(ev: ClusterEvidence, addr: string): NodeEvidence {
  let n = ev.nodes[addr];
  if (!n) {
    n = { lastAnswerMs: 0, gaps: [], candidates: [], slowlogReadMs: 0, forking: false };
    ev.nodes[addr] = n;
  }
  return n;
}

function addCandidates(n: NodeEvidence, found: Candidate[], nowMs: number): void {
  const seen = new Set(n.candidates.map((c) => `${c.source}|${c.endMs}|${c.durationMs}`));
  for (const c of found)
    if (c.durationMs >= MIN_CANDIDATE_MS && !seen.has(`${c.source}|${c.endMs}|${c.durationMs}`)) n.candidates.push(c);
  n.candidates = n.candidates
    .filter((c) => c.endMs >= nowMs - KEEP_MS)
    .sort((a, b) => a.endMs - b.endMs)
    .slice(-MAX_CANDIDATES);
}

/**
 * Folds one sample into the evidence. Mutates `ev` (the runner owns the state and persists
 * what is returned; copying a 250-node record per sample would cost more than it protects).
 */
export function observeEvidence(ev: ClusterEvidence, m: EvidenceSample): ClusterEvidence {
  const n = nodeOf(ev, m.instance.id);
  if (m.ts > n.lastAnswerMs) {
    if (n.lastAnswerMs > 0 && m.ts - n.lastAnswerMs > GAP_MS) {
      n.gaps.push([n.lastAnswerMs, m.ts]);
      n.gaps = n.gaps.filter(([, to]) => to >= m.ts - KEEP_MS).slice(-MAX_GAPS);
    }
    n.lastAnswerMs = m.ts;
  }
  switch (m.kind) {
    case 'topology': {
      ev.failing ??= {};
      const failing = ev.failing;
      for (const node of m.nodes ?? []) {
        if (node.pongRecvMs > (ev.pongs[node.id] ?? 0) && !node.flags.includes('myself'))
          ev.pongs[node.id] = node.pongRecvMs;
        if (node.failing === null) continue;
        const seen = failing[node.id];
        // A new episode when no observer has flagged it for a while.
        if (!seen || m.ts - seen.lastMs > 10_000) failing[node.id] = { firstMs: m.ts, lastMs: m.ts };
        else if (m.ts > seen.lastMs) seen.lastMs = m.ts;
      }
      for (const [id, seen] of Object.entries(failing)) if (m.ts - seen.lastMs > KEEP_MS) delete failing[id];
      break;
    }
    case 'slowlog':
      n.slowlogReadMs = Math.max(n.slowlogReadMs, m.ts);
      addCandidates(
        n,
        m.entries.map((e) => ({
          endMs: e.loggedAtS * 1000,
          durationMs: Math.round(e.durationUs / 1000),
          what: commandText(e.command, e.args),
          source: 'slowlog' as const,
        })),
        m.ts,
      );
      break;
    case 'latency':
      addCandidates(
        n,
        (m.events ?? []).map((e) => ({
          endMs: e.atS * 1000,
          durationMs: e.latencyMs,
          what: `latency monitor: ${e.event}`,
          source: 'latency' as const,
        })),
        m.ts,
      );
      break;
    case 'info': {
      const f = m.fields;
      n.forking = (f.rdb_bgsave_in_progress ?? 0) > 0 || (f.aof_rewrite_in_progress ?? 0) > 0;
      break;
    }
    case 'config-audit':
      if (m.clusterNodeTimeoutMs !== undefined) n.nodeTimeoutMs = m.clusterNodeTimeoutMs;
      break;
  }
  return ev;
}

/**
 * The stall around a promotion at `atMs`: from the node's last answer to its first answer
 * after (null while still silent); null when it never stopped answering (a manual failover).
 */
export function stallOf(
  ev: ClusterEvidence,
  addr: string,
  nodeId: string,
  atMs: number,
): { stoppedAtMs: number; answeredAgainMs: number | null } | null {
  const n = ev.nodes[addr];
  const pong = ev.pongs[nodeId] ?? 0;
  const lastAnswer = Math.max(n?.lastAnswerMs ?? 0, pong);
  // Silent now: since its last answer.
  if (lastAnswer > 0 && atMs - lastAnswer > GAP_MS) return { stoppedAtMs: lastAnswer, answeredAgainMs: null };
  // Answering again already. The cluster flagged it failing (pfail/fail) while it was
  // silent, so the stall is the silence around that moment — not an older one.
  const failing = ev.failing?.[nodeId];
  const flaggedMs = failing && failing.firstMs >= atMs - 60_000 && failing.firstMs <= atMs ? failing.firstMs : null;
  const gaps = [...(n?.gaps ?? [])].reverse();
  const gap =
    flaggedMs !== null
      ? gaps.find(([from, to]) => from <= flaggedMs && to + 1000 >= flaggedMs)
      : gaps.find(([from]) => from <= atMs && from >= atMs - 60_000);
  if (gap) return { stoppedAtMs: gap[0], answeredAgainMs: gap[1] };
  // A stall shorter than the samplers' interval: flagged failing after cluster-node-timeout
  // without a PONG — so it stopped answering about that long before.
  if (flaggedMs !== null) {
    const stoppedAtMs = flaggedMs - (n?.nodeTimeoutMs ?? 0);
    return { stoppedAtMs, answeredAgainMs: n && n.lastAnswerMs > stoppedAtMs ? n.lastAnswerMs : null };
  }
  return null;
}
