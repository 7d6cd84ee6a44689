import { describe, expect, it } from 'vitest';
import { dbUserProblem, quoteIdentifier } from './identifiers';

describe('identifiers', () => {
  it('doubles quotes inside a quoted identifier', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });

  it('rejects names PostgreSQL would truncate', () => {
    expect(dbUserProblem('a'.repeat(64))).toContain('63 bytes');
    expect(dbUserProblem('a'.repeat(63))).toBeNull();
  });
});
