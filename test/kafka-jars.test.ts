// Integration: Kafka's jars fetched by two starters at once into a fresh data dir — what
// `stack up --ch-cluster` does on a fresh machine, where Kafka and ZooKeeper (run from
// Kafka's jars) start side by side. Both get the same complete lib dir; no fetch collides
// with the other (one did: "ENOTEMPTY … rename 3.9.1.partial -> 3.9.1").
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { kafkaJars } from '../stack/kafka.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'redscope-jars-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('two fetches of the same Kafka jars at once both return the complete lib dir', { timeout: 600_000 }, async () => {
  const lines: string[] = [];
  const [a, b] = await Promise.all([
    kafkaJars(dataDir, '3.9.1', (l) => lines.push(l)),
    kafkaJars(dataDir, '3.9.1', (l) => lines.push(l)),
  ]);
  expect(b).toBe(a);
  const jars = readdirSync(a);
  expect(jars.some((j) => /^kafka_2\.13-3\.9\.1\.jar$/.test(j))).toBe(true);
  expect(jars.some((j) => /^zookeeper-3\.\d+\.\d+\.jar$/.test(j))).toBe(true);
  expect(lines.filter((l) => l.startsWith('fetching'))).toHaveLength(1); // fetched once
  expect(readdirSync(join(a, '..'))).toEqual(['3.9.1']); // no partial dir left behind
});
