// What a failed INSERT means, decided in one place (as Vector's ClickHouse sink does):
//
//   bad-data      ClickHouse refused the rows for what they contain (a value it cannot
//                 parse, a type it cannot convert, arrays of different lengths). Sending
//                 the same rows again fails the same way: the flush is split until the
//                 offending messages are found (batch-writer.ts); they go to the
//                 dead-letter topic with this reason and the rest is stored.
//   session-gone  The insert's session no longer exists (`session_check=1`): the server
//                 refused it before running anything. Open a new session and send again.
//   unknown       Anything else — a timeout, a reset connection, a server that is
//                 overloaded, restarting or frozen, an error from a materialized view.
//                 The insert may have run, may still run, or never will: fence it, look
//                 at what was stored, and send only what was not (fenced-insert.ts).
import { clickhouseErrorCode } from '../common/clickhouse.ts';
import { errorMessage } from '../common/errors.ts';

export type InsertFailure =
  | {
      kind: 'bad-data';
      reason: string;
      /** Refused while reading the input, before anything was written: nothing to fence or check. */
      whileParsing: boolean;
      /** The 0-based index of the row ClickHouse names (`at row N`), when it does. */
      row?: number;
    }
  | { kind: 'session-gone' }
  | { kind: 'unknown' };

/**
 * Refused while parsing the JSONEachRow input. A flush's table insert is one block (fewer
 * rows than max_insert_block_size), written only once the whole input is read, so these
 * leave nothing behind.
 */
const PARSE_CODES = new Set(['6', '26', '27', '32', '33', '38', '41', '72', '117', '130', '131']);

/** ClickHouse error codes that mean "these rows can never be stored as they are". */
const BAD_DATA_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED (e.g. 1.5 for an integer column)
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '33', // CANNOT_READ_ALL_DATA
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER (e.g. a negative number for an unsigned column)
  '117', // INCORRECT_DATA (e.g. an unknown field)
  '130', // CANNOT_READ_ARRAY_FROM_TEXT
  '131', // TOO_LARGE_STRING_SIZE
  '190', // SIZES_OF_ARRAYS_DOESNT_MATCH (ARRAY JOIN in a materialized view)
]);
export const SESSION_NOT_FOUND = '372';
export const SESSION_IS_LOCKED = '373';
export const READONLY = '164';

export function classifyInsertError(err: unknown): InsertFailure {
  const code = clickhouseErrorCode(err);
  if (code !== undefined && BAD_DATA_CODES.has(code)) {
    const whileParsing = PARSE_CODES.has(code);
    const at = whileParsing ? /\(at row (\d+)\)/.exec(errorMessage(err))?.[1] : undefined;
    return {
      kind: 'bad-data',
      reason: clickhouseReason(err),
      whileParsing,
      ...(at === undefined ? {} : { row: Number(at) - 1 }),
    };
  }
  if (code === SESSION_NOT_FOUND) return { kind: 'session-gone' };
  return { kind: 'unknown' };
}

/** ClickHouse's own message, without the `e.what()` noise of 18.16, bounded for a dead letter. */
export function clickhouseReason(err: unknown): string {
  const code = clickhouseErrorCode(err);
  const text = errorMessage(err)
    .replace(/^\s*Code: \d+[.,]\s*(e\.displayText\(\) = )?/, '')
    .replace(/, e\.what\(\) = DB::Exception\s*$/s, '')
    .replace(/\s+/g, ' ')
    .trim();
  const full = `ClickHouse rejected the rows: ${code === undefined ? '' : `Code: ${code}. `}${text}`;
  return full.length > 1000 ? `${full.slice(0, 997)}...` : full;
}

export function isClickHouseCode(err: unknown, ...codes: string[]): boolean {
  const code = clickhouseErrorCode(err);
  return code !== undefined && codes.includes(code);
}
