// What the broker lets *this* client do with some topics, without doing it: Kafka's
// Metadata request v8+ can include, per topic, the bitfield of ACL operations the caller
// is authorized for (KIP-430). That is the only side-effect-free way to check ACLs with the
// process's own credentials — DescribeAcls needs DESCRIBE on the cluster, which a
// least-privilege user does not have, and a test produce would write to the topic.
//
// kafkajs (2.2.4, pinned) sends Metadata v6 and has no API for this, so this module builds
// the v8 request with kafkajs's own encoder and sends it over a connection of a kafkajs
// cluster (its internals: `redscope doctor` and its test are the only users, and that test
// fails loudly if a kafkajs upgrade moves them).
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { ACL_OPERATIONS, type AclOperation } from './kafka-acls.ts';

const require = createRequire(import.meta.url);

interface KafkaEncoder {
  writeArray(a: unknown[], type?: string): KafkaEncoder;
  writeBoolean(b: boolean): KafkaEncoder;
}
interface KafkaDecoder {
  readInt16(): number;
  readInt32(): number;
  readString(): string | null;
  readBoolean(): boolean;
  readArray<T>(fn: (d: KafkaDecoder) => T): T[];
}
const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkaEncoder;
const Decoder = require('kafkajs/src/protocol/decoder') as new (raw: Buffer) => KafkaDecoder;

const METADATA_API_KEY = 3;
/** Kafka's "not set" value for authorized operations (the broker did not compute them). */
const UNSET = -2147483648;

export interface TopicAccess {
  topic: string;
  /** 0 when visible; 3 = UNKNOWN_TOPIC_OR_PARTITION; 29 = TOPIC_AUTHORIZATION_FAILED. */
  errorCode: number;
  /** Operations the caller may perform on the topic (empty when not authorized to see it). */
  operations: AclOperation[];
}

/**
 * Metadata v8, non-flexible: [topics: name] allow_auto_topic_creation
 * include_cluster_authorized_operations include_topic_authorized_operations.
 */
function metadataV8(topics: readonly string[]) {
  return {
    request: {
      apiKey: METADATA_API_KEY,
      apiVersion: 8,
      apiName: 'Metadata',
      encode: async () =>
        new Encoder()
          .writeArray([...topics], 'string')
          .writeBoolean(false)
          .writeBoolean(false)
          .writeBoolean(true),
    },
    response: {
      decode: async (raw: Buffer) => {
        const d = new Decoder(raw);
        d.readInt32(); // throttle_time_ms
        d.readArray((b) => [b.readInt32(), b.readString(), b.readInt32(), b.readString()]); // brokers
        d.readString(); // cluster_id
        d.readInt32(); // controller_id
        const result = d.readArray((t) => {
          const errorCode = t.readInt16();
          const topic = t.readString() ?? '';
          t.readBoolean(); // is_internal
          t.readArray((p) => {
            p.readInt16(); // error_code
            p.readInt32(); // partition_index
            p.readInt32(); // leader_id
            p.readInt32(); // leader_epoch
            p.readArray((x) => x.readInt32()); // replica_nodes
            p.readArray((x) => x.readInt32()); // isr_nodes
            p.readArray((x) => x.readInt32()); // offline_replicas
            return null;
          });
          return { topic, errorCode, bits: t.readInt32() };
        });
        return result;
      },
      parse: async <T>(decoded: T) => decoded,
    },
  };
}

function operationsOf(bits: number): AclOperation[] {
  if (bits === UNSET) return [];
  return (Object.entries(ACL_OPERATIONS) as Array<[AclOperation, number]>)
    .filter(([, code]) => (bits & (1 << code)) !== 0)
    .map(([op]) => op);
}

interface InternalBroker {
  connectionPool: {
    send(r: ReturnType<typeof metadataV8>): Promise<Array<{ topic: string; errorCode: number; bits: number }>>;
  };
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  brokerPool: { seedBroker?: InternalBroker };
}

/** The caller's authorized operations on each topic, as the broker sees this client's credentials. */
export async function topicAccess(kafka: Kafka, topics: readonly string[]): Promise<TopicAccess[]> {
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!create)
    throw new Error('kafkajs internals changed: cannot check authorized operations (common/kafka-authorized-ops.ts)');
  const cluster = (kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[create]!({
    allowAutoTopicCreation: false,
  });
  await cluster.connect();
  try {
    const broker = cluster.brokerPool.seedBroker;
    if (!broker) throw new Error('kafkajs internals changed: no seed broker after connect');
    const rows = await broker.connectionPool.send(metadataV8(topics));
    return rows.map((r) => ({ topic: r.topic, errorCode: r.errorCode, operations: operationsOf(r.bits) }));
  } finally {
    await cluster.disconnect();
  }
}
