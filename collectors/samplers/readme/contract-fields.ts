// Reads a contract file (contracts/*.ts) and lists every field of one exported TypeBox
// schema: its path (`entries[].durationUs`), its type in words and its doc comment. The
// samplers' READMEs are generated from this, so the field list can never drift from the
// contract that Kafka messages are validated against.
//
// It reads the source with the TypeScript parser rather than the runtime schema because
// the documentation lives in `/** … */` comments, which only the source has. Named schemas
// (`const Count = Type.Integer(…)`, `InstanceRef` imported from './instance.ts') are
// resolved within the file and through relative imports.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface ContractField {
  path: string;
  type: string;
  optional: boolean;
  doc: string;
}

interface Module {
  file: string;
  source: ts.SourceFile;
  consts: Map<string, ts.Expression>;
  imports: Map<string, string>; // local name → absolute file
}

const modules = new Map<string, Module>();

function load(file: string): Module {
  const cached = modules.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const consts = new Map<string, ts.Expression>();
  const imports = new Map<string, string>();
  for (const st of source.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const named = st.importClause?.namedBindings;
      if (!spec.startsWith('.') || !named || !ts.isNamedImports(named)) continue;
      for (const el of named.elements) imports.set(el.name.text, join(dirname(file), spec));
    }
  }
  const m = { file, source, consts, imports };
  modules.set(file, m);
  return m;
}

/** The expression a name stands for, and the module it lives in. */
function resolve(m: Module, name: string): { m: Module; expr: ts.Expression } | null {
  const local = m.consts.get(name);
  if (local) return { m, expr: local };
  const from = m.imports.get(name);
  if (!from) return null;
  const other = load(from);
  const expr = other.consts.get(name);
  return expr ? { m: other, expr } : null;
}

/** `Type.Integer(...)` → ['Integer', args]; anything else → null. */
function typeCall(expr: ts.Expression): { kind: string; args: readonly ts.Expression[] } | null {
  if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression)) return null;
  if (expr.expression.expression.getText() !== 'Type') return null;
  return { kind: expr.expression.name.text, args: expr.arguments };
}

function jsDoc(node: ts.Node): string {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  return docs
    .map((d) => (typeof d.comment === 'string' ? d.comment : (ts.getTextOfJSDocComment(d.comment) ?? '')))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function numberBounds(args: readonly ts.Expression[]): string {
  const opts = args[0];
  if (!opts || !ts.isObjectLiteralExpression(opts)) return '';
  const get = (k: string) =>
    opts.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === k)
      ?.initializer;
  const min = get('minimum');
  return min && min.getText() === '0' ? ' ≥ 0' : '';
}

interface Walk {
  m: Module;
  out: ContractField[];
}

/** Describes `expr` in words, adding the fields of any object inside it under `path`. */
function describe(w: Walk, expr: ts.Expression, path: string): string {
  if (ts.isIdentifier(expr)) {
    const r = resolve(w.m, expr.text);
    if (!r) return expr.text;
    return describe({ m: r.m, out: w.out }, r.expr, path);
  }
  const call = typeCall(expr);
  if (!call) return expr.getText();
  const [first, second] = call.args;
  switch (call.kind) {
    case 'Integer':
      return `integer${numberBounds(call.args)}`;
    case 'Number':
      return `number${numberBounds(call.args)}`;
    case 'String':
      return 'string';
    case 'Boolean':
      return 'boolean';
    case 'Null':
      return 'null';
    case 'Literal':
      return first ? first.getText().replaceAll("'", '"') : 'literal';
    case 'Enum':
      return first && ts.isArrayLiteralExpression(first)
        ? first.elements.map((e) => e.getText().replaceAll("'", '"')).join(' \\| ')
        : 'enum';
    case 'Optional':
      return first ? describe(w, first, path) : 'unknown';
    case 'Union':
      return first && ts.isArrayLiteralExpression(first)
        ? first.elements.map((e) => describe(w, e, path)).join(' \\| ')
        : 'union';
    case 'Array':
      return first ? `array of ${describe(w, first, `${path}[]`)}` : 'array';
    case 'Record':
      return second ? `map of string → ${describe(w, second, `${path}{}`)}` : 'map';
    case 'Tuple':
      return first && ts.isArrayLiteralExpression(first)
        ? `[${first.elements.map((e) => describe(w, e, path)).join(', ')}]`
        : 'tuple';
    case 'Object':
      if (first && ts.isObjectLiteralExpression(first)) objectFields(w, first, path);
      return 'object';
    default:
      return call.kind.toLowerCase();
  }
}

function objectFields(w: Walk, literal: ts.ObjectLiteralExpression, prefix: string): void {
  for (const prop of literal.properties) {
    if (ts.isSpreadAssignment(prop)) {
      // `...RedisAuth.properties`: the fields of another object schema.
      const base = prop.expression;
      if (ts.isPropertyAccessExpression(base) && ts.isIdentifier(base.expression)) {
        const r = resolve(w.m, base.expression.text);
        const call = r && typeCall(r.expr);
        const lit = call?.args[0];
        if (r && call?.kind === 'Object' && lit && ts.isObjectLiteralExpression(lit))
          objectFields({ m: r.m, out: w.out }, lit, prefix);
      }
      continue;
    }
    if (!ts.isPropertyAssignment(prop)) continue;
    const name = prop.name.getText().replace(/^['"]|['"]$/g, '');
    const path = prefix ? `${prefix}.${name}` : name;
    const index = w.out.length;
    const optional = typeCall(prop.initializer)?.kind === 'Optional';
    const type = describe(w, prop.initializer, path);
    // The field goes before the fields of its own object (inserted where it was reached).
    w.out.splice(index, 0, { path, type, optional, doc: jsDoc(prop) });
  }
}

/** Every field of `exportName` in `file`, in declaration order, nested fields after their parent. */
export function contractFields(file: string, exportName: string): ContractField[] {
  const m = load(file);
  const expr = m.consts.get(exportName);
  if (!expr) throw new Error(`${file} has no schema named ${exportName}`);
  const out: ContractField[] = [];
  describe({ m, out }, expr, '');
  return out;
}
