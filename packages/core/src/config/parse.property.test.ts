import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadKongConf } from './load';
import { parseKongConf } from './parse';
import { confText } from './testing-arbitraries';

// The reader faces whatever is on a node's disk: it must never throw, and every
// diagnostic must point at a real line.

describe('parseKongConf on arbitrary text', () => {
  it('never throws and reports diagnostics on existing lines', () => {
    fc.assert(
      fc.property(fc.oneof(confText, fc.string({ unit: 'binary', maxLength: 400 })), (text) => {
        const parsed = parseKongConf(text);
        expect(Array.isArray(parsed.diagnostics)).toBe(true);
        for (const diagnostic of parsed.diagnostics) {
          expect(diagnostic.line).toBeGreaterThanOrEqual(1);
          expect(diagnostic.line).toBeLessThanOrEqual(parsed.lines.length);
        }
        for (const entry of parsed.entries)
          expect(entry.lines.every((n) => n >= 1 && n <= parsed.lines.length)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws while resolving settings from arbitrary text and environment', () => {
    fc.assert(
      fc.property(
        confText,
        fc.dictionary(fc.constantFrom('KONG_PG_USER', 'KONG_PG_IAM_AUTH', 'KONG_PG_RO_HOST'), fc.string()),
        fc.string({ maxLength: 200 }),
        (text, env, envFileText) => {
          const conf = loadKongConf({ confText: text, env, envFileText });
          expect(conf.values.size).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
