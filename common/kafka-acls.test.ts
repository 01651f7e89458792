import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { kafkaAcls, securityDocAclTable } from './kafka-acls.ts';

const names = { streamGroupId: 's', managerGroupId: 'm', deliveryGroupId: 'd' };
const writes = (role: Parameters<typeof kafkaAcls>[0]) =>
  kafkaAcls(role, names, { create: false })
    .filter((g) => g.operations.includes('WRITE'))
    .map((g) => g.name);

describe('Kafka ACLs per role', () => {
  it('collectors write only sample topics; only the processor writes alert events; only the alert manager the outbox', () => {
    expect(writes('collector').sort()).toEqual([...SAMPLE_TOPICS].sort());
    expect(writes('stream')).toContain(TOPICS.alerts);
    expect(writes('alerts')).not.toContain(TOPICS.alerts);
    expect(writes('alerts')).toContain(TOPICS.notifications);
    expect(writes('stream')).not.toContain(TOPICS.notifications);
    expect(writes('collector')).not.toContain(TOPICS.deadLetter);
  });

  it('CREATE only when asked for (topics created by redscope at start)', () => {
    expect(kafkaAcls('collector', names, { create: false }).some((g) => g.operations.includes('CREATE'))).toBe(false);
    expect(kafkaAcls('collector', names, { create: true }).every((g) => g.operations.includes('CREATE'))).toBe(true);
  });

  it('docs/security.md lists exactly these ACLs', () => {
    const doc = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');
    expect(doc).toContain(securityDocAclTable());
  });
});
