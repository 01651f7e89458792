// The samplers' READMEs (collectors/samplers/<name>/README.md), Telegraf-style: what the
// sampler does (written by hand), then two generated sections — its configuration, cut
// from redscope.example.yaml (the single source of the documented defaults), and every
// field it emits, read from its contract. `npm run docs` rewrites the generated sections;
// a unit test fails when a README is behind its contract or the sample config.
//
// Generated text sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`;
// everything outside the markers is left as written.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '../../../contracts/topics.ts';
import { contractFields } from './contract-fields.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SamplerDoc {
  /** Folder under collectors/samplers/. */
  name: string;
  topic: string;
  /** contracts/<file>.ts and the exported schema the messages are validated against. */
  contract: { file: string; schema: string };
  /** Path of its keys in redscope.example.yaml, e.g. ['collector', 'slowlog']; a key list for loose keys. */
  config: { block: string[] } | { keys: string[] };
}

export const SAMPLER_DOCS: readonly SamplerDoc[] = [
  {
    name: 'info',
    topic: TOPICS.info,
    contract: { file: 'info-sample.ts', schema: 'InfoSampleV1' },
    config: { keys: ['infoEveryMs', 'timeoutMs'] },
  },
  {
    name: 'topology',
    topic: TOPICS.topology,
    contract: { file: 'topology.ts', schema: 'TopologySampleV2' },
    config: { block: ['collector', 'topology'] },
  },
  {
    name: 'slowlog',
    topic: TOPICS.slowlog,
    contract: { file: 'slowlog.ts', schema: 'SlowlogSampleV1' },
    config: { block: ['collector', 'slowlog'] },
  },
  {
    name: 'latency',
    topic: TOPICS.latency,
    contract: { file: 'latency.ts', schema: 'LatencySampleV1' },
    config: { block: ['collector', 'latency'] },
  },
  {
    name: 'clients',
    topic: TOPICS.clients,
    contract: { file: 'clients.ts', schema: 'ClientsSampleV1' },
    config: { block: ['collector', 'clients'] },
  },
  {
    name: 'config-audit',
    topic: TOPICS.configAudit,
    contract: { file: 'config-audit.ts', schema: 'ConfigAuditSampleV1' },
    config: { block: ['collector', 'configAudit'] },
  },
  {
    name: 'keyspace',
    topic: TOPICS.keyspace,
    contract: { file: 'keyspace.ts', schema: 'KeyspaceScanV1' },
    config: { block: ['collector', 'keyspace'] },
  },
  {
    name: 'hotkeys',
    topic: TOPICS.hotkeys,
    contract: { file: 'hotkeys.ts', schema: 'HotKeysV1' },
    config: { block: ['collector', 'keyspace', 'hotkeys'] },
  },
];

export function readmePath(doc: SamplerDoc): string {
  return `${ROOT}collectors/samplers/${doc.name}/README.md`;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** The lines of the YAML block at `path` (each key a deeper mapping), with its parents' key lines. */
export function yamlBlock(yaml: string, path: readonly string[]): string {
  const lines = yaml.split('\n');
  const out: string[] = [];
  let from = 0;
  let parentIndent = -1;
  for (const [depth, key] of path.entries()) {
    const at = lines.findIndex(
      (l, i) => i >= from && indentOf(l) > parentIndent && l.trimStart().startsWith(`${key}:`),
    );
    if (at < 0) throw new Error(`redscope.example.yaml has no ${path.slice(0, depth + 1).join('.')}`);
    parentIndent = indentOf(lines[at]!);
    from = at + 1;
    if (depth < path.length - 1) out.push(lines[at]!.replace(/\s+#.*$/, ''));
    else {
      out.push(lines[at]!);
      for (let i = at + 1; i < lines.length && (lines[i]!.trim() === '' || indentOf(lines[i]!) > parentIndent); i++)
        out.push(lines[i]!);
    }
  }
  return out.join('\n').trimEnd();
}

/** Loose keys directly under `collector:`. */
function yamlKeys(yaml: string, keys: readonly string[]): string {
  const lines = yaml.split('\n');
  const picked = keys.map((k) => {
    const line = lines.find((l) => indentOf(l) === 2 && l.trimStart().startsWith(`${k}:`));
    if (!line) throw new Error(`redscope.example.yaml has no collector.${k}`);
    return line;
  });
  return ['collector:', ...picked].join('\n');
}

function configSection(doc: SamplerDoc, exampleYaml: string): string {
  const yaml =
    'block' in doc.config ? yamlBlock(exampleYaml, doc.config.block) : yamlKeys(exampleYaml, doc.config.keys);
  return [
    'From [`redscope.example.yaml`](../../../redscope.example.yaml) (the defaults):',
    '',
    '```yaml',
    yaml,
    '```',
  ].join('\n');
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\\\\|', '\\|');

function fieldsSection(doc: SamplerDoc): string {
  const fields = contractFields(`${ROOT}contracts/${doc.contract.file}`, doc.contract.schema);
  const rows = fields.map(
    (f) => `| \`${f.path}\`${f.optional ? ' (optional)' : ''} | ${cell(f.type)} | ${cell(f.doc) || '—'} |`,
  );
  return [
    `Kafka topic \`${doc.topic}\`; every message is validated against \`${doc.contract.schema}\` in`,
    `[\`contracts/${doc.contract.file}\`](../../../contracts/${doc.contract.file}) by the stream processor.`,
    '',
    '| field | type | meaning |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function replaceSection(text: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const block = `${open}\n${body}\n${close}`;
  if (start < 0 || end < start) {
    const heading = name === 'config' ? '## Configuration' : '## Fields';
    return `${text.trimEnd()}\n\n${heading}\n\n${block}\n`;
  }
  return text.slice(0, start) + block + text.slice(end + close.length);
}

/** `readme` with its generated sections brought up to date. */
export function renderReadme(doc: SamplerDoc, readme: string, exampleYaml: string): string {
  return replaceSection(
    replaceSection(readme, 'config', configSection(doc, exampleYaml)),
    'fields',
    fieldsSection(doc),
  );
}

export function exampleYaml(): string {
  return readFileSync(`${ROOT}redscope.example.yaml`, 'utf8');
}
