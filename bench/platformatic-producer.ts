// The collector's sink on @platformatic/kafka instead of kafkajs, for the A/B of
// `npm run bench -- collector` (issue 11 asks for a maintained client measured side by side
// before deciding on kafkajs). Same contract as kafkajsProducer (collectors/kafka-sink.ts):
// idempotent, acks=all, gzip at level 1, keys partitioned like the Java client and kafkajs
// (murmur2 & 0x7fffffff: compatibilityPartitioner; the library's default differs), so an
// instance keeps its partition whichever client sends.
import { gzipSync } from 'node:zlib';
import { compatibilityPartitioner, compressionsAlgorithms, Producer, stringSerializers } from '@platformatic/kafka';
import type { SampleProducer } from '../collectors/kafka-sink.ts';

// The library gzips at zlib's default level 6; kafkajs is set to level 1 (common/kafka.ts).
// The codec table is a plain exported object: use the same level, so only the clients differ.
type Codec = { compressSync: (data: Buffer | { buffer: Buffer }) => Buffer };
(compressionsAlgorithms.gzip as unknown as Codec).compressSync = (data) =>
  gzipSync(Buffer.isBuffer(data) ? data : data.buffer, { level: 1 });

export function platformaticProducer(brokers: readonly string[], clientId: string): SampleProducer {
  let producer: Producer<string, string, string, string> | null = null;
  const open = () =>
    (producer ??= new Producer({
      clientId,
      bootstrapBrokers: [...brokers],
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
      compression: 'gzip',
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      retries: 3,
    }));
  return {
    connect: async () => {
      open();
    },
    send: async (messages) => {
      await open().send({ messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value })) });
    },
    disconnect: async () => {
      await producer?.close();
      producer = null;
    },
  };
}
