import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSameStoredJson } from './stored-json';

/** The stored document, keys sorted: what jsonb would hold, as text. */
function canonical(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return '<nothing>';
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((key) => [key, sorted((v as Record<string, unknown>)[key])]),
          )
        : v;
  return JSON.stringify(sorted(JSON.parse(text)));
}

const key = fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__');
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

describe('isSameStoredJson', () => {
  it('ignores key order and treats an undefined property as absent, as jsonb stores them', () => {
    expect(isSameStoredJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(isSameStoredJson({ a: 1, pause: undefined }, { a: 1 })).toBe(true);
    expect(isSameStoredJson([undefined, Number.NaN], [null, null])).toBe(true);
    expect(isSameStoredJson({ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' })).toBe(true);
  });

  it('sees a difference anywhere', () => {
    expect(isSameStoredJson({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } })).toBe(false);
    expect(isSameStoredJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(isSameStoredJson([1, 2], [1, 2, 3])).toBe(false);
    expect(isSameStoredJson({ a: [] }, { a: {} })).toBe(false);
    expect(isSameStoredJson({ a: '1' }, { a: 1 })).toBe(false);
  });

  it('says the same as comparing the stored documents', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(isSameStoredJson(a, JSON.parse(JSON.stringify(a) ?? 'null'))).toBe(
          canonical(a) === canonical(JSON.parse(JSON.stringify(a) ?? 'null')),
        );
        expect(isSameStoredJson(a, b)).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 2_000 },
    );
  });
});
