// Topology sampler: CLUSTER INFO + CLUSTER NODES (+ CLUSTER SHARDS on Redis ≥ 7) every
// second by default — what failover detection stands on. Emits one TopologySampleV2
// (contracts/topology.ts documents every field) per instance per tick, with the changes
// since this observer's previous view (diff-topology.ts), a summary of the view, and the
// full node list only when the view changed or a keyframe is due.
//
// A node that cannot answer emits nothing: the call fails, the runtime counts it, and the
// other nodes' samples show the node as pfail/fail. A standalone (non-cluster) instance
// has no topology: it emits nothing and is not an error, and is asked again only once a
// minute (cluster mode cannot change without a restart) instead of failing two commands a
// second.
import { TOPICS, topologySummary, type TopologySampleV2 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { diffTopology, type TopologyView } from './diff-topology.ts';
import { parseClusterInfo } from './parse-cluster-info.ts';
import { parseClusterNodes } from './parse-cluster-nodes.ts';
import { parseClusterShards, type ShardNodeState } from './parse-cluster-shards.ts';
import { toTopologyNode, viewHash } from './view.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export interface TopologySamplerOptions {
  everyMs: number;
  timeoutMs: number;
  /** Re-state an unchanged view at least this often, so storage always has a recent full view. */
  keyframeEveryMs: number;
  /** Also read CLUSTER SHARDS (health, replication offsets) where the server has it. */
  shards: boolean;
}

const MAX_CHANGES = 5000;
/** A server that answered "cluster support disabled" is asked again after this long. */
const STANDALONE_RECHECK_MS = 60_000;

interface Previous {
  view: TopologyView;
  hash: string;
  /** When the node list was last marked for storage (changed or keyframe). */
  storedAt: number;
}

export function topologySampler(opts: TopologySamplerOptions): Sampler {
  const previous = new Map<string, Previous>();
  /** Instances whose server lacks CLUSTER SHARDS (Redis < 7): not asked again. */
  const noShards = new Set<string>();
  /** Instances found standalone, with when they said so. */
  const standaloneSince = new Map<string, number>();

  async function shardsOf(target: Target): Promise<Map<string, ShardNodeState> | undefined> {
    if (!opts.shards || noShards.has(target.ref.id)) return undefined;
    try {
      return parseClusterShards(await target.redis.call('CLUSTER', 'SHARDS'));
    } catch (err) {
      // A standalone server rejects every CLUSTER subcommand; the INFO call reports that.
      if (/unknown subcommand|unknown command|cluster support disabled/i.test(errorMessage(err))) {
        noShards.add(target.ref.id);
        return undefined;
      }
      throw err;
    }
  }

  return {
    name: 'topology',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext): Promise<Sample[]> {
      const standaloneAt = standaloneSince.get(target.ref.id);
      if (standaloneAt !== undefined && Date.now() - standaloneAt < STANDALONE_RECHECK_MS) return [];
      const started = process.hrtime.bigint();
      let infoReply: string, nodesReply: string, shards: Map<string, ShardNodeState> | undefined;
      try {
        // Sent together (pipelined on the one connection) so the replies describe the same moment.
        [infoReply, nodesReply, shards] = await Promise.all([
          target.redis.call('CLUSTER', 'INFO').then(String),
          target.redis.call('CLUSTER', 'NODES').then(String),
          shardsOf(target),
        ]);
      } catch (err) {
        if (/cluster support disabled/i.test(errorMessage(err))) {
          standaloneSince.set(target.ref.id, Date.now());
          return [];
        }
        throw new Error(`CLUSTER INFO/NODES on ${target.ref.id}: ${errorMessage(err)}`);
      }
      standaloneSince.delete(target.ref.id);
      const durationUs = Number((process.hrtime.bigint() - started) / 1000n);
      const info = parseClusterInfo(infoReply);
      const parsed = parseClusterNodes(nodesReply);
      // A node learns its own ip only from a peer's MEET: a single-node cluster shows itself
      // as `:7000`, which means the address we reached it on.
      const nodes = parsed.map((n) =>
        toTopologyNode(n.myself && n.host === '' ? { ...n, host: target.ref.host } : n, shards?.get(n.id)),
      );
      const myId = parsed.find((n) => n.myself)?.id ?? '';
      const ts = Date.now();

      const view: TopologyView = { clusterState: info.clusterState, currentEpoch: info.currentEpoch, nodes };
      const hash = viewHash(nodes, info.clusterState, info.currentEpoch);
      const prev = previous.get(target.ref.id);
      const viewChanged = !prev || prev.hash !== hash;
      const keyframe = !viewChanged && ts - prev.storedAt >= opts.keyframeEveryMs;
      const allChanges = prev && viewChanged ? diffTopology(prev.view, view) : [];
      previous.set(target.ref.id, { view, hash, storedAt: viewChanged || keyframe ? ts : prev.storedAt });

      const value: TopologySampleV2 = {
        v: 2,
        kind: 'topology',
        ts,
        instance: target.ref,
        collector: ctx.collector,
        durationUs,
        myId,
        clusterState: info.clusterState,
        slotsAssigned: info.slotsAssigned,
        slotsOk: info.slotsOk,
        slotsPfail: info.slotsPfail,
        slotsFail: info.slotsFail,
        knownNodes: info.knownNodes,
        size: info.size,
        currentEpoch: info.currentEpoch,
        myEpoch: info.myEpoch,
        ...topologySummary(myId, nodes),
        ...(viewChanged || keyframe ? { nodes } : {}),
        viewHash: hash,
        viewChanged,
        keyframe,
        changes: allChanges.slice(0, MAX_CHANGES),
      };
      if (allChanges.length > MAX_CHANGES) value.changesDropped = allChanges.length - MAX_CHANGES;
      return [{ topic: TOPICS.topology, value }];
    },
    forget(instanceId) {
      previous.delete(instanceId);
      noShards.delete(instanceId);
      standaloneSince.delete(instanceId);
    },
  };
}
