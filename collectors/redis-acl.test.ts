import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorAclSetuser, NEWER_SERVER_RULES } from './redis-acl.ts';

describe('the collector ACL', () => {
  it("is the README's least-privilege line, so the docs and redscope doctor check the same commands", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(collectorAclSetuser());
    for (const r of NEWER_SERVER_RULES) expect(readme).toContain(`\`${r.rule}\` (${r.since}`);
  });
});
