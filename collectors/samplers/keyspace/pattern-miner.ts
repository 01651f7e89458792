// Key patterns mined from a whole scan, the way log-template miners (Drain) find the
// variable fields of log lines: by how many distinct values a position takes under the
// same prefix, not only by what one value looks like.
//
// The keys go into a tree of tokens (key-tokens.ts): `cart:mx3ijrrf:items` is the path
// `cart` → `:mx3ijrrf` → `:items`. Tokens that are ids for certain (numbers, UUIDs, long
// hex, …) take the position's wildcard edge `:*` at once. Other tokens become literal
// edges, and a position that holds many of them is turned into a wildcard: its varying
// literal children are merged into `*` (subtrees merged recursively, totals added), the
// structure stays. So 60,000 cart ids of any style give `cart:*:items`, while `daily`,
// `profile` or `v2` stay.
//
// The decision, at one node (`judge`):
//   - numbered families: ≥ `minDistinctIds` (8) values that are one word followed by
//     digits (`player1`, `player77`, …; `W1`…`W52`) become `player*`, `W*`;
//   - the position varies when ≥ `minDistinctIds` of the other values are shaped like ids
//     (`looksLikeId`: `mx3ijrrf`, `a8Fk2xQ`), or ≥ `minDistinctThin` (64) each hold
//     < `thickShare` (1 %) of the node's keys (`user:alice`, `user:bob`, …; a few dozen
//     small namespaces under one prefix are still structure);
//   - where it varies, `*` takes the id-shaped values, the values of the same size as them
//     (letter-only ids: `cart:kqzxvb`), and — when thin values make it vary — every thin
//     value; words holding many more keys than the ids (`cart:stats:…`) stay.
// A node is judged while scanning each time its literal children reach `maxFanout` (once
// it varies, unseen values go to `*` directly), and once more, top-down, when the scan is
// done, so small positions are judged on all their keys whatever order SCAN gave them in.
//
// A wildcard stands for a whole segment (between `:` `/` … separators): when the values
// under `cart:*` continue with varying `-…` or `_…` pieces (a nanoid like
// `hglf-ct8IRq65gb9U_byn` is split there), those pieces are folded into the `*` itself,
// so the pattern stays `cart:*:items`; a structural suffix (`user:*_profile`) stays.
//
// Cost: one tokenising pass over the key and one Map lookup per token; a merge moves each
// node at most once. Memory: at most `maxNodes` tree nodes (plus one key's depth): past
// it the widest positions are turned into wildcards until a quarter is free. Only past
// twice that (no position left to merge: adversarial keys) do keys go to the caller's
// overflow — `(other)` — rather than a pattern.
import { isInnerSep, letterStem, looksLikeId, newKeyTokens, tokenise } from './key-tokens.ts';

export interface MinerOptions {
  /** Tree nodes kept while scanning; past it the widest positions become wildcards. */
  maxNodes: number;
  /** A position with this many distinct literal values is judged while scanning. */
  maxFanout: number;
  /** This many id-shaped values (`looksLikeId`) make a position vary… */
  minDistinctIds: number;
  /** …and so do this many thin values of any shape (`user:alice`, `user:bob`, …). */
  minDistinctThin: number;
  /** A value holding at least this share of the keys under its prefix is structure. */
  thickShare: number;
}

export const DEFAULT_MINER_OPTIONS: MinerOptions = {
  maxNodes: 50_000,
  maxFanout: 256,
  minDistinctIds: 8,
  minDistinctThin: 64,
  thickShare: 0.01,
};

/** What the caller keeps per pattern (the aggregator: a KeyPatternStat). */
export interface Payloads<T> {
  create(exampleKey: string): T;
  /** Adds `from` into `into`; `from` is dropped afterwards. */
  merge(into: T, from: T): void;
}

export interface MinedPattern<T> {
  pattern: string;
  payload: T;
}

const WILD = '\u0000';

class PatternNode<T> {
  /** Keys that went through this node (ending here or below). */
  keys = 0;
  children: Map<string, PatternNode<T>> | null = null;
  /** How many of `children` are literals (not wildcards). */
  literals = 0;
  /** Judged a varying position: unseen literal values go to `*`. */
  collapsed = false;
  /** Merged into another node: no longer in the tree. */
  dead = false;
  /** Keys ending exactly here. */
  end: T | null = null;
  /** Judge this position again when it has this many literal children. */
  judgeAt: number;

  constructor(
    readonly sep: string,
    /** A literal's (normalised) token; a wildcard's stem (`player` for `player*`, usually ''). */
    readonly text: string,
    readonly wild: boolean,
    maxFanout: number,
  ) {
    this.judgeAt = maxFanout;
  }

  get edge(): string {
    return this.wild ? wildEdge(this.sep, this.text) : this.sep + this.text;
  }

  get label(): string {
    return this.wild ? `${this.sep}${this.text}*` : this.sep + this.text;
  }

  /** A wildcard for a whole segment (`cart:*`, not the `-*` inside `*-*-*`). */
  get wholeSegment(): boolean {
    return this.wild && !isInnerSep(this.sep);
  }
}

function wildEdge(sep: string, stem: string): string {
  return sep + WILD + stem;
}

const plainWildEdges = new Map<string, string>();
/** `wildEdge(sep, '')` without building a string per key. */
function plainWildEdge(sep: string): string {
  let edge = plainWildEdges.get(sep);
  if (edge === undefined) {
    edge = wildEdge(sep, '');
    plainWildEdges.set(sep, edge);
  }
  return edge;
}

/**
 * `final`: judged on all its keys once the scan is done; `scan`: it reached its fanout;
 * `force`: the tree is too big, only words far bigger than the ids stay; `all`: still too
 * big, every literal goes.
 */
type JudgeMode = 'final' | 'scan' | 'force' | 'all';

export class PatternMiner<T> {
  private readonly root: PatternNode<T>;
  private readonly tokens = newKeyTokens();
  /** The nodes a key passes through (reused: no allocation per key). */
  private readonly path: PatternNode<T>[] = [];
  private nodes = 1;
  private finalised = false;
  readonly stats = { shrinks: 0, collapses: 0, overflowKeys: 0 };

  constructor(
    private readonly payloads: Payloads<T>,
    private readonly opts: MinerOptions = DEFAULT_MINER_OPTIONS,
  ) {
    this.root = new PatternNode<T>('', '', false, opts.maxFanout);
  }

  /** Live tree nodes (for tests and the benchmark). */
  get size(): number {
    return this.nodes;
  }

  /**
   * The payload of `key`'s pattern as mined so far, for the caller to update at once (it may
   * be merged into another later). Null when the tree is full beyond repair: use an overflow.
   */
  leaf(key: string): T | null {
    if (this.finalised) throw new Error('PatternMiner: leaf() after result()');
    if (this.nodes > this.opts.maxNodes) this.shrink();
    const t = tokenise(key, this.tokens);
    let node = this.root;
    const path = this.path;
    let depth = 0;
    path[depth++] = node;
    const steps = t.n + (t.truncated ? 1 : 0);
    for (let i = 0; i < steps; i++) {
      const next = i < t.n ? this.step(node, t.seps[i]!, t.edges[i]!, t.strong[i]!) : this.step(node, '', '…', false);
      if (!next) {
        this.stats.overflowKeys++;
        return null;
      }
      if (next !== node) path[depth++] = next;
      node = next;
    }
    for (let i = 0; i < depth; i++) path[i]!.keys++;
    node.end ??= this.payloads.create(key);
    return node.end;
  }

  /** `edge`: separator + token text ('' when `strong`). */
  private step(node: PatternNode<T>, sep: string, edge: string, strong: boolean): PatternNode<T> | null {
    if (!strong) {
      const literal = node.children?.get(edge);
      if (literal) return literal;
      if (!node.collapsed && node.literals >= node.judgeAt) this.judge(node, 'scan');
      const stem = letterStem(edge, sep.length);
      const family = stem === '' ? undefined : node.children?.get(wildEdge(sep, stem));
      if (family) return family;
      if (!node.collapsed) return this.addChild(node, sep, edge.slice(sep.length), false);
    }
    // The rest of a varying segment belongs to its `*` (see the header).
    if (node.collapsed && node.wholeSegment && isInnerSep(sep)) return node;
    return node.children?.get(plainWildEdge(sep)) ?? this.addChild(node, sep, '', true);
  }

  /** Null past the hard cap (twice maxNodes). */
  private addChild(node: PatternNode<T>, sep: string, text: string, wild: boolean): PatternNode<T> | null {
    if (this.nodes >= 2 * this.opts.maxNodes) return null;
    return this.link(node, new PatternNode<T>(sep, text, wild, this.opts.maxFanout));
  }

  private link(node: PatternNode<T>, child: PatternNode<T>): PatternNode<T> {
    node.children ??= new Map();
    node.children.set(child.edge, child);
    if (!child.wild) node.literals++;
    this.nodes++;
    return child;
  }

  /** The wildcard `sep` + `stem` + `*` of `node` (made by a merge, which frees at least one node). */
  private wildcardOf(node: PatternNode<T>, sep: string, stem: string): PatternNode<T> {
    return (
      node.children?.get(wildEdge(sep, stem)) ??
      this.link(node, new PatternNode<T>(sep, stem, true, this.opts.maxFanout))
    );
  }

  /** Decides which literal children of `node` become wildcards (the rules are in the header). */
  private judge(node: PatternNode<T>, mode: JudgeMode): void {
    for (;;) {
      if (!node.children) return;
      const literals: PatternNode<T>[] = [];
      for (const c of node.children.values()) if (!c.wild) literals.push(c);
      if (literals.length === 0) return;
      let lifted = false;

      // Numbered families first: `player1`…`player999` → `player*`.
      const families = new Map<string, PatternNode<T>[]>();
      for (const c of literals) {
        const stem = letterStem(c.text);
        if (stem === '') continue;
        const members = families.get(wildEdge(c.sep, stem));
        if (members) members.push(c);
        else families.set(wildEdge(c.sep, stem), [c]);
      }
      let rest = literals;
      for (const members of families.values()) {
        if (members.length < this.opts.minDistinctIds && mode !== 'all') continue;
        const target = this.wildcardOf(node, members[0]!.sep, letterStem(members[0]!.text));
        for (const c of members) this.absorb(node, c, target);
        rest = rest.filter((c) => c.wild || !c.dead);
      }

      const thick = this.opts.thickShare * node.keys;
      const idSizes: number[] = [];
      let thin = 0;
      for (const c of rest) {
        if (looksLikeId(c.text)) idSizes.push(c.keys);
        if (c.keys < thick) thin++;
      }
      const variesById = idSizes.length >= this.opts.minDistinctIds;
      const variesByThin = thin >= this.opts.minDistinctThin || (node.collapsed && thin > 0);
      const varies = variesById || variesByThin || mode === 'force' || mode === 'all';
      if (!varies) node.judgeAt = 2 * Math.max(node.literals, 1); // not again before it doubles
      const typical = median(idSizes.length > 0 ? idSizes : rest.map((c) => c.keys));
      for (const c of rest) {
        const idShaped = looksLikeId(c.text);
        // Below a whole-segment `*`, a `-…`/`_…` piece that is not a sizeable word is the
        // rest of a split id (nanoid): fold it into the `*` whether or not the pieces vary.
        const piece = node.wholeSegment && isInnerSep(c.sep);
        const goes =
          mode === 'all' ||
          (piece && (idShaped || c.text === '' || c.keys * this.opts.minDistinctIds <= node.keys)) ||
          (varies && idShaped) ||
          this.besideBigWildcard(node, c, idShaped, thick) ||
          (mode === 'force' && !(c.keys >= thick && c.keys >= 4 * typical)) ||
          (variesById && c.keys >= typical / 4 && c.keys < 4 * typical) ||
          (variesByThin && c.keys < thick);
        if (!goes) continue;
        if (piece) {
          this.unlink(node, c);
          this.mergeNode(node, c, false);
          lifted = true;
        } else this.absorb(node, c, this.wildcardOf(node, c.sep, ''));
      }
      if ((variesById || variesByThin || mode !== 'final') && !node.collapsed) {
        node.collapsed = true;
        this.stats.collapses++;
      }
      if (node.wholeSegment)
        for (const c of [...node.children.values()])
          if (c.wild && c.text === '' && isInnerSep(c.sep) && (node.collapsed || c.keys < thick)) {
            this.unlink(node, c);
            this.mergeNode(node, c, false);
            lifted = true;
          }
      // Lifting brings the pieces' own children up: judge those too.
      if (!lifted) return;
    }
  }

  /**
   * A value next to a `*` that already holds many keys at the same position is one more id
   * when it is shaped like one, or when it is a thin word holding an eighth or less of the
   * wildcard's keys (`cart:defdbe`: hex without a digit; `cart:G`: the first piece of a
   * nanoid split at `_`). Not at the root: top-level names are namespaces.
   */
  private besideBigWildcard(node: PatternNode<T>, c: PatternNode<T>, idShaped: boolean, thick: number): boolean {
    const wildKeys = node.children?.get(plainWildEdge(c.sep))?.keys ?? 0;
    if (idShaped) return wildKeys >= this.opts.minDistinctIds;
    return node !== this.root && (c.keys < thick || c.keys === 1) && c.keys * this.opts.minDistinctIds <= wildKeys;
  }

  private unlink(parent: PatternNode<T>, child: PatternNode<T>): void {
    parent.children!.delete(child.edge);
    if (!child.wild) parent.literals--;
  }

  /** Moves the literal `child` of `parent` into `target` (a wildcard of `parent`). */
  private absorb(parent: PatternNode<T>, child: PatternNode<T>, target: PatternNode<T>): void {
    this.unlink(parent, child);
    this.mergeNode(target, child, true);
  }

  /**
   * Merges `from` (already unlinked) into `into`: end payloads added, children merged by
   * edge. `countKeys` false when `from` was below `into` (lifted): its keys are counted there.
   */
  private mergeNode(into: PatternNode<T>, from: PatternNode<T>, countKeys: boolean): void {
    if (countKeys) into.keys += from.keys;
    if (from.end) {
      if (into.end) this.payloads.merge(into.end, from.end);
      else into.end = from.end;
    }
    into.collapsed ||= from.collapsed;
    from.dead = true;
    this.nodes--;
    if (!from.children) return;
    for (const [edge, grandchild] of from.children) {
      const existing = into.children?.get(edge);
      if (existing) this.mergeNode(existing, grandchild, true);
      else {
        into.children ??= new Map();
        into.children.set(edge, grandchild);
        if (!grandchild.wild) into.literals++;
      }
    }
    from.children = null;
  }

  /** Turns the widest positions into wildcards until a quarter of maxNodes is free. */
  private shrink(): void {
    this.stats.shrinks++;
    const target = Math.floor(this.opts.maxNodes * 0.75);
    for (const mode of ['force', 'all'] as const) {
      const wide: PatternNode<T>[] = [];
      const stack = [this.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.literals >= (mode === 'force' ? 2 : 1)) wide.push(n);
        if (n.children) for (const c of n.children.values()) stack.push(c);
      }
      wide.sort((a, b) => b.literals - a.literals);
      for (const n of wide) {
        if (this.nodes <= target) return;
        if (!n.dead) this.judge(n, mode);
      }
    }
  }

  /** Judges every position on all its keys, top-down, then lists the patterns. */
  result(): MinedPattern<T>[] {
    if (!this.finalised) {
      this.finalised = true;
      const stack = [this.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        this.judge(n, 'final');
        if (n.children) for (const c of n.children.values()) stack.push(c);
      }
    }
    const byPattern = new Map<string, T>();
    const walk = (n: PatternNode<T>, prefix: string) => {
      if (n.end) {
        const pattern = prefix === '' ? '(empty)' : prefix;
        const existing = byPattern.get(pattern);
        if (existing) this.payloads.merge(existing, n.end);
        else byPattern.set(pattern, n.end);
      }
      if (n.children) for (const c of n.children.values()) walk(c, prefix + c.label);
    };
    walk(this.root, '');
    return [...byPattern].map(([pattern, payload]) => ({ pattern, payload }));
  }

  /** The mined pattern of `key` (call after result()); null if the tree has no path for it. */
  patternOf(key: string): string | null {
    const t = tokenise(key, this.tokens);
    let node = this.root;
    let pattern = '';
    const steps = t.n + (t.truncated ? 1 : 0);
    for (let i = 0; i < steps; i++) {
      const sep = i < t.n ? t.seps[i]! : '';
      const edge = i < t.n ? t.edges[i]! : '…';
      const strong = i < t.n && t.strong[i]!;
      const children = node.children;
      const next = strong
        ? children?.get(plainWildEdge(sep))
        : (children?.get(edge) ??
          children?.get(wildEdge(sep, letterStem(edge, sep.length))) ??
          children?.get(plainWildEdge(sep)));
      if (next) {
        pattern += next.label;
        node = next;
      } else if (!(node.wholeSegment && isInnerSep(sep))) return null; // a piece folded into its `*`
    }
    return pattern === '' ? '(empty)' : pattern;
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
