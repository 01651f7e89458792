// Migrations 0001–0060 are applied in users' databases: whatever they are rewritten with
// (rollup templates, granularities), they must keep their checksums — or migrate refuses
// every existing database — and execute the same SQL on one server, on a modern server
// and on a cluster. testdata/expanded-0001-0060.json is their expansion as it was before
// templates replaced hand-written copies (generated once from that tree; never regenerate
// it to make this test pass: a difference here is a change to an applied migration).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandMigrations, loadMigrations, singleServer } from './migrate.ts';
import { featuresOf, type SchemaTarget } from './schema-target.ts';

interface Recorded {
  name: string;
  checksum: string;
  single: string[];
  modern: string[];
  cluster: string[];
}

const recorded: Record<string, Recorded> = JSON.parse(
  readFileSync(new URL('./testdata/expanded-0001-0060.json', import.meta.url), 'utf8'),
);
const targets: Record<'single' | 'modern' | 'cluster', SchemaTarget> = {
  single: singleServer('rs'),
  modern: singleServer('rs', featuresOf('26.9')),
  cluster: { ...singleServer('rs'), cluster: 'fleet' },
};

/** Layout does not reach the server's behaviour: runs of whitespace count as one space. */
const layoutFree = (statements: readonly string[]) => statements.map((s) => s.replace(/\s+/g, ' ').trim());

describe('applied migrations (0001–0060)', () => {
  const migrations = new Map(loadMigrations().map((m) => [String(m.version).padStart(4, '0'), m]));

  it('all still exist under their names', () => {
    for (const [version, r] of Object.entries(recorded)) expect(migrations.get(version)?.name, version).toBe(r.name);
  });

  it('keep the checksums databases recorded when they were applied', () => {
    for (const [version, r] of Object.entries(recorded))
      expect(migrations.get(version)?.checksum, `${version}_${r.name}`).toBe(r.checksum);
  });

  for (const [kind, target] of Object.entries(targets) as Array<[keyof typeof targets, SchemaTarget]>) {
    it(`execute the same statements as before on ${kind === 'cluster' ? 'a cluster' : `a ${kind} server`}`, () => {
      for (const [version, r] of Object.entries(recorded)) {
        const [now] = expandMigrations(target, [migrations.get(version)!]);
        expect(layoutFree(now!.statements), `${version}_${r.name}`).toEqual(layoutFree(r[kind]));
      }
    });
  }
});
