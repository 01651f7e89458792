// Turns a panel's SQL into the SQL ClickHouse would receive from Grafana, so tests can run
// every panel without a Grafana. It follows the plugin's order:
//   1. $__conditionalAll(cond, $var) → cond, or 1=1 when $var is "All" (plugin frontend);
//   2. dashboard variables: ${v:singlequote} → 'a','b';  ${v} / $v → the plugin's own
//      format: a multi-value variable as 'a','b', a single value as it is (unquoted); for
//      "All" with a custom all value, that value as written (Grafana does not format it);
//   3. macros of the plugin backend (pkg/macros): $__timeFilter(col), $__fromTime,
//      $__toTime, $__interval_s.
// Only the macros the redscope dashboards use are implemented; any other `$__name` is an
// error, so a panel that starts using a new macro fails its test until it is added here.

export interface VariableValue {
  /** Selected values; for "All", every option (what Grafana substitutes outside $__conditionalAll). */
  values: string[];
  /** "All" is selected. */
  all?: boolean;
  /** Multi-value variable: a one-value selection is still formatted as a list. */
  multi?: boolean;
  /** The variable's custom all value (`allValue`): what Grafana puts in, unformatted, for "All". */
  allValue?: string;
}

export interface MacroContext {
  fromSec: number;
  toSec: number;
  intervalSec: number;
  variables: Record<string, VariableValue>;
}

export class MacroError extends Error {
  override name = 'MacroError';
}

export function expandMacros(sql: string, ctx: MacroContext): string {
  return expandBackendMacros(expandVariables(expandConditionalAll(sql, ctx), ctx), ctx);
}

const CONDITIONAL_ALL = '$__conditionalAll(';

function expandConditionalAll(sql: string, ctx: MacroContext): string {
  let out = sql;
  for (let at = out.lastIndexOf(CONDITIONAL_ALL); at !== -1; at = out.lastIndexOf(CONDITIONAL_ALL)) {
    const open = at + CONDITIONAL_ALL.length - 1;
    const { args, end } = macroArgs(out, open);
    if (args.length !== 2)
      throw new MacroError(`$__conditionalAll needs 2 arguments, got ${args.length}: ${out.slice(at, end)}`);
    const name = /\$\{?(\w+)/.exec(args[1]!)?.[1];
    if (!name) throw new MacroError(`$__conditionalAll: second argument names no variable: ${args[1]}`);
    const value = variable(ctx, name);
    out = out.slice(0, at) + (value.all ? '1=1' : args[0]!.trim()) + out.slice(end);
  }
  return out;
}

/** Arguments of the call whose `(` is at `open`, split at top-level commas. */
function macroArgs(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      args.push(sql.slice(start, i));
      return { args, end: i + 1 };
    } else if (ch === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  throw new MacroError(`unbalanced parentheses after ${sql.slice(open - 20, open + 1)}`);
}

function variable(ctx: MacroContext, name: string): VariableValue {
  const v = ctx.variables[name];
  if (!v) throw new MacroError(`no value given for dashboard variable $${name}`);
  return v;
}

const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

function expandVariables(sql: string, ctx: MacroContext): string {
  // ${name}, ${name:format}, $name — but not $__macros, which the backend expands.
  return sql.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g,
    (_m, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
      const v = variable(ctx, (braced ?? bare)!);
      // Grafana's template service skips formatting for a custom all value.
      if (v.all && v.allValue) return v.allValue;
      if (format === 'singlequote') return v.values.map(quote).join(',');
      if (format !== undefined) throw new MacroError(`variable format :${format} is not implemented`);
      return v.multi || v.all || v.values.length !== 1 ? v.values.map(quote).join(',') : v.values[0]!;
    },
  );
}

function expandBackendMacros(sql: string, ctx: MacroContext): string {
  const at = (sec: number) => `toDateTime(${Math.floor(sec)})`;
  const out = sql
    .replace(
      /\$__timeFilter\(\s*([^()]+?)\s*\)/g,
      (_m, col: string) => `${col} >= ${at(ctx.fromSec)} AND ${col} <= ${at(ctx.toSec)}`,
    )
    .replace(/\$__fromTime\b/g, at(ctx.fromSec))
    .replace(/\$__toTime\b/g, at(ctx.toSec))
    .replace(/\$__interval_s\b/g, String(Math.max(1, Math.floor(ctx.intervalSec))));
  const left = /\$__\w+/.exec(out);
  if (left) throw new MacroError(`macro ${left[0]} is not implemented in dashboards/macros.ts`);
  return out;
}
