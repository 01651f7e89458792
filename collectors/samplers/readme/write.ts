// `npm run docs`: brings the generated sections of every sampler's README up to date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exampleYaml, readmePath, renderReadme, SAMPLER_DOCS } from './readmes.ts';

const yaml = exampleYaml();
for (const doc of SAMPLER_DOCS) {
  const file = readmePath(doc);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : `# ${doc.name} sampler\n`;
  const after = renderReadme(doc, before, yaml);
  if (after !== before) {
    writeFileSync(file, after);
    console.log(`updated ${file}`);
  }
}
