// The processor's health (GET /health, stream.health): consumer lag per partition, when
// rows were last stored, the last error, and what the exactly-once machinery did. 503 when
// messages wait and nothing has been stored for STALLED_MS (ClickHouse down or frozen).
import type { Kafka } from 'kafkajs';
import { ConsumerLag } from '../common/consumer-lag.ts';
import type { HealthReport } from '../common/health-server.ts';
import { HANDLERS } from './handlers.ts';
import type { StreamProcessor } from './processor.ts';

const STALLED_MS = 60_000;

export function processorHealth(
  processor: StreamProcessor,
  kafka: Kafka,
  groupId: string,
): { report: () => Promise<HealthReport>; close(): Promise<void> } {
  const lag = new ConsumerLag(
    kafka,
    groupId,
    HANDLERS.map((h) => h.topic),
  );
  const report = async (): Promise<HealthReport> => {
    const now = Date.now();
    const w = processor.writer.stats;
    const waiting = processor.writer.unstoredMessages;
    const lastInsertAgeMs = w.lastFlushAt === null ? null : now - w.lastFlushAt;
    const stalled = waiting > 0 && (lastInsertAgeMs === null || lastInsertAgeMs > STALLED_MS);
    const partitions = await lag.read(now).catch((err: Error) => ({ error: err.message }));
    return {
      status: stalled ? 'storage-stalled' : 'ok',
      healthy: !stalled,
      processor: processor.id,
      generation: processor.ownership.generation,
      lastInsertAt: w.lastFlushAt,
      lastInsertAgeMs,
      lastFlushMs: w.lastFlushMs,
      lastError: w.lastError,
      unstoredMessages: waiting,
      messages: processor.stats.messages,
      deadLetters: processor.stats.deadLetters + w.rejectedMessages,
      exactlyOnce: {
        skippedAlreadyStored: processor.stats.skippedAlreadyStored,
        fencedInserts: w.fencedInserts,
        rowsFoundStored: w.rowsFoundStored,
        rejectedByClickHouse: w.rejectedMessages,
        rebalances: processor.stats.rebalances,
        takeoverWaits: processor.stats.takeoverWaits,
      },
      partitions: Array.isArray(partitions)
        ? partitions.map((p) => ({ ...p, owned: processor.ownership.owns(p.topic, p.partition) }))
        : partitions,
    } as HealthReport;
  };
  return { report, close: () => lag.close() };
}
