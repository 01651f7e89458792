import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contractFields } from './contract-fields.ts';
import { exampleYaml, readmePath, renderReadme, SAMPLER_DOCS, yamlBlock } from './readmes.ts';

const SAMPLERS_DIR = fileURLToPath(new URL('../', import.meta.url));

describe('sampler READMEs', () => {
  it('every sampler folder has a README entry', () => {
    const folders = readdirSync(SAMPLERS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(`${SAMPLERS_DIR}${d.name}/sampler.ts`))
      .map((d) => d.name);
    expect(SAMPLER_DOCS.map((d) => d.name).sort()).toEqual(folders.sort());
  });

  for (const doc of SAMPLER_DOCS) {
    it(`${doc.name}/README.md is up to date with its contract and the sample config (npm run docs)`, () => {
      const text = readFileSync(readmePath(doc), 'utf8');
      expect(renderReadme(doc, text, exampleYaml())).toBe(text);
    });
  }

  it('lists nested fields under their parent path, with optionality and the doc comment', () => {
    const fields = contractFields(
      fileURLToPath(new URL('../../../contracts/slowlog.ts', import.meta.url)),
      'SlowlogSampleV1',
    );
    expect(fields.find((f) => f.path === 'entries[].durationUs')).toEqual({
      path: 'entries[].durationUs',
      type: 'integer ≥ 0',
      optional: false,
      doc: 'Execution time inside Redis, microseconds (excludes network and queueing).',
    });
    expect(fields.find((f) => f.path === 'instance.nodeId')?.optional).toBe(true);
  });

  it('cuts a nested block out of the sample config with its parents', () => {
    const yaml = 'collector:\n  a: 1\n  keyspace:\n    x: 1\n    hotkeys:\n      everyMs: 5\n    y: 2\nstream: {}\n';
    expect(yamlBlock(yaml, ['collector', 'keyspace', 'hotkeys'])).toBe(
      'collector:\n  keyspace:\n    hotkeys:\n      everyMs: 5',
    );
  });
});
