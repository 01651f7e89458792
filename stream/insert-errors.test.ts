import { describe, expect, it } from 'vitest';
import { classifyInsertError } from './insert-errors.ts';

describe('insert failures', () => {
  it('rows ClickHouse cannot parse are bad data, refused before anything was written, naming the row', () => {
    const err = new Error(
      'Code: 130, e.displayText() = DB::Exception: Cannot read array from text: (while read the value of key command_calls): (at row 12)\n, e.what() = DB::Exception',
    );
    expect(classifyInsertError(err)).toEqual({
      kind: 'bad-data',
      whileParsing: true,
      row: 11,
      reason:
        'ClickHouse rejected the rows: Code: 130. DB::Exception: Cannot read array from text: (while read the value of key command_calls): (at row 12)',
    });
  });

  it('an error from a materialized view is bad data that may have left rows behind', () => {
    const err = new Error('Code: 190. DB::Exception: Sizes of ARRAY-JOIN-ed arrays do not match');
    expect(classifyInsertError(err)).toMatchObject({ kind: 'bad-data', whileParsing: false });
  });

  it('a vanished session is refused before running; timeouts and server trouble have unknown outcomes', () => {
    expect(classifyInsertError(new Error('Code: 372, e.displayText() = DB::Exception: Session not found.'))).toEqual({
      kind: 'session-gone',
    });
    expect(classifyInsertError(new Error('Timeout error.'))).toEqual({ kind: 'unknown' });
    expect(classifyInsertError(new Error('Code: 241. DB::Exception: Memory limit exceeded'))).toEqual({
      kind: 'unknown',
    });
    expect(classifyInsertError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toEqual({
      kind: 'unknown',
    });
  });
});
