import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestPostgres } from '../test/use-test-app';
import { numberArrayLiteral } from './array-literal';

describe('numberArrayLiteral', () => {
  it('writes numbers as JavaScript prints them, null and undefined as NULL', () => {
    expect(numberArrayLiteral([])).toBe('{}');
    expect(numberArrayLiteral([1, 2.5, -3, 1e21, 1_796_143_397_726])).toBe('{1,2.5,-3,1e+21,1796143397726}');
    expect(numberArrayLiteral([1, null, undefined, 4])).toBe('{1,NULL,NULL,4}');
  });

  describe('read by PostgreSQL', () => {
    const postgres = useTestPostgres();
    let pool: pg.Pool;
    beforeAll(async () => {
      pool = new pg.Pool({ connectionString: (await postgres.createDatabase()).url, max: 1 });
      // PostgreSQL may stop before this pool ends (hook order): an idle client's 57P01 is expected then.
      pool.on('error', () => undefined);
    });
    afterAll(async () => {
      await pool.end();
    });

    it('gives the values node-postgres itself would send, for float8[] and int[]', async () => {
      const doubles = [1_796_143_397_726.5, 0, -0.25, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, null, NaN, Infinity];
      const ints = [0, 1, -2_147_483_648, 2_147_483_647, null];
      const { rows } = await pool.query<{ same: boolean; doubles: string; ints: string }>(
        `SELECT $1::float8[] IS NOT DISTINCT FROM $2::float8[] AND $3::int[] IS NOT DISTINCT FROM $4::int[] AS same,
                $1::float8[]::text AS doubles, $3::int[]::text AS ints`,
        [numberArrayLiteral(doubles), doubles, numberArrayLiteral(ints), ints],
      );
      expect(rows[0]).toEqual({
        same: true,
        doubles: '{1796143397726.5,0,-0.25,1e+21,5e-324,9.007199254740991e+15,NULL,NaN,Infinity}',
        ints: '{0,1,-2147483648,2147483647,NULL}',
      });
    });
  });
});
