import { describe, expect, it } from 'vitest';
import { isClean, nonFiniteNumbers, unstorableText } from './validator';

describe('isClean: the allocation-free check before the walks that name fields', () => {
  const bodies: unknown[] = [
    { a: 'fine', b: [1, 2, { c: 'ok', d: null, e: true }], f: { g: { h: 'deep' } } },
    { a: 'nul \u0000 here' },
    { a: [{ b: ['x', 'lone \uD800 surrogate'] }] },
    { a: { 'key \u0000': 1 } },
    { a: { b: Infinity } },
    [1, [2, [NaN]]],
    { a: 'astral \uD83D\uDE00 pair', b: -0, c: 1e308 },
    'top-level \uDC00',
    -Infinity,
    Object.assign(Object.create(null) as object, { id: 'a\u0000b' }),
  ];

  it.each(bodies.map((body, index) => [index, body]))('agrees with the walks on case %i', (_index, body) => {
    expect(isClean(body, true, false)).toBe(unstorableText(body).length === 0);
    expect(isClean(body, false, true)).toBe(nonFiniteNumbers(body).length === 0);
    expect(isClean(body, true, true)).toBe(unstorableText(body).length === 0 && nonFiniteNumbers(body).length === 0);
  });

  it('finds an issue at any depth, in a value or a key', () => {
    expect(isClean({ a: [{ b: { c: ['\u0000'] } }] }, true, true)).toBe(false);
    expect(isClean({ a: [{ b: { '\uDFFF': 'v' } }] }, true, false)).toBe(false);
    expect(isClean({ a: [{ b: { c: [Number.NaN] } }] }, false, true)).toBe(false);
    expect(isClean({ a: [{ b: { c: [Number.NaN] } }] }, true, false)).toBe(true);
  });
});
