import { describe, expect, it } from 'vitest';
import { repeatLimiter } from './kafka.ts';

describe('repeatLimiter (kafkajs log lines during an outage)', () => {
  it('passes the first of each message, then one per interval with the count held back', () => {
    let t = 0;
    const limit = repeatLimiter(60_000, () => t);
    expect(limit('Connection error')).toEqual({ pass: true, held: 0 });
    for (let i = 0; i < 5; i++) expect(limit('Connection error').pass).toBe(false);
    expect(limit('other message')).toEqual({ pass: true, held: 0 });
    t = 60_000;
    expect(limit('Connection error')).toEqual({ pass: true, held: 5 });
    expect(limit('Connection error').pass).toBe(false);
  });
});
