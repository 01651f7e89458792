import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A compiled validator whose failures read as `"/path": message; …` (first five). */
export function validator<S extends TSchema>(schema: S): (input: unknown) => Validation<Static<S>> {
  const compiled = Compile(schema);
  return (input) => {
    if (compiled.Check(input)) return { ok: true, value: input as Static<S> };
    const problems: string[] = [];
    for (const e of compiled.Errors(input)) {
      problems.push(`${e.instancePath || '/'}: ${e.message}`);
      if (problems.length === 5) break;
    }
    return { ok: false, reason: problems.join('; ') || 'does not match the schema' };
  };
}
