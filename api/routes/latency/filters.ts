// Parsing shared by the latency routes.
import { BadRequestError } from '../../schemas/time-range.ts';

const COMMAND = /^[a-z0-9_|.:-]{1,128}$/;

/** `get,SET` → ['get', 'set']; undefined when absent. */
export function parseCommands(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = [...new Set(raw.toLowerCase().split(','))];
  if (names.length > 20) throw new BadRequestError('command: at most 20 commands');
  const bad = names.find((n) => !COMMAND.test(n));
  if (bad !== undefined)
    throw new BadRequestError(`command: ${JSON.stringify(bad)} is not a command name (letters, digits, _ | . : -)`);
  return names;
}
