import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { clickhouseErrorCode } from './clickhouse.ts';

describe('ClickHouse error codes', () => {
  it('are read from 18.16 messages, newer messages and the client’s parsed errors', () => {
    expect(
      clickhouseErrorCode(new Error('Code: 130, e.displayText() = DB::Exception: Cannot read array from text')),
    ).toBe('130');
    expect(clickhouseErrorCode(new Error('Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE)'))).toBe(
      '60',
    );
    expect(clickhouseErrorCode(new ClickHouseError({ message: 'm', code: '372', type: 'SESSION_NOT_FOUND' }))).toBe(
      '372',
    );
    expect(clickhouseErrorCode(new Error('Timeout error.'))).toBeUndefined();
    expect(clickhouseErrorCode('Code: 1, not an error object')).toBeUndefined();
  });
});
