// The README is the front door and docs/ what it points to: every relative link in them
// must reach a file that exists, and every #anchor a heading of that file, so moving a
// section or renaming a file cannot leave readers at a dead end.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOCS = join(ROOT, 'docs');
const FILES = [
  join(ROOT, 'README.md'),
  join(ROOT, 'bench', 'README.md'),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(DOCS, f)),
];

/** Markdown outside fenced code blocks (a link-like text in a code sample is not a link). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsIn(file: string): Set<string> {
  const headings = [...prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!);
  return new Set(headings.map(anchorOf));
}

/** Relative link targets (`path`, `path#anchor`, `#anchor`) of one file. */
function relativeLinks(file: string): string[] {
  const links = [...prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  return links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));
}

describe('links in README.md, bench/README.md and docs/*.md', () => {
  it('finds the files and some links in them', () => {
    expect(FILES.length).toBeGreaterThan(3);
    expect(relativeLinks(FILES[0]!).length).toBeGreaterThan(10);
  });

  it('makes anchors the way GitHub does', () => {
    expect(anchorOf('Run with docker compose')).toBe('run-with-docker-compose');
    expect(anchorOf("A failover's cause")).toBe('a-failovers-cause');
    expect(anchorOf('`redscope doctor` & Kafka')).toBe('redscope-doctor--kafka');
  });

  for (const file of FILES) {
    it(`every relative link in ${relative(ROOT, file)} reaches an existing file and heading`, () => {
      const broken = relativeLinks(file).filter((link) => {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(dirname(file), decodeURIComponent(path));
        if (!existsSync(target)) return true;
        if (anchor === undefined || !target.endsWith('.md') || statSync(target).isDirectory()) return false;
        return !anchorsIn(target).has(anchor);
      });
      expect(broken).toEqual([]);
    });
  }
});
