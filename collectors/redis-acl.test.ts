import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorAclSetuser, NEWER_SERVER_RULES } from './redis-acl.ts';

describe('the collector ACL', () => {
  it("is docs/security.md's least-privilege line, so the docs and redscope doctor check the same commands", () => {
    const doc = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');
    expect(doc).toContain(collectorAclSetuser());
    for (const r of NEWER_SERVER_RULES) expect(doc).toContain(`\`${r.rule}\` (${r.since}`);
  });
});
