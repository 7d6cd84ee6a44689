import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveEntries, parseKongConf, type ParsedConf } from './parse';
import { renderConf, unwritableValueReason, type ConfEdit } from './render';
import { confText } from './testing-arbitraries';

// Property (b): whatever the file and the edits, Kong reads back exactly the intended
// values, every other key keeps its value, and every line that is not a line of an
// edited key is still there, byte for byte, in the same order.

const KEYS = ['pg_user', 'pg_iam_auth', 'pg_ro_user', 'pg_host', 'pg_password', 'pg_ssl'] as const;

const writableValue = fc
  .string({ unit: fc.constantFrom('a', 'k', '0', '#', '\\', '=', ' ', '\t', ';', '[', 'é', '"', '_'), maxLength: 12 })
  .filter((value) => unwritableValueReason(value) === null);

const edit: fc.Arbitrary<ConfEdit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value: writableValue }),
  fc.record({ op: fc.constant('unset' as const), key: fc.constantFrom(...KEYS) }),
);

function untouchedLines(parsed: ParsedConf, edited: ReadonlySet<string>): string[] {
  const touched = new Set(
    parsed.entries.filter((e) => e.section === null && edited.has(e.key)).flatMap((e) => e.lines),
  );
  return parsed.lines.filter((_, index) => !touched.has(index + 1));
}

describe('renderConf', () => {
  it('gives Kong exactly the intended values and leaves every other line byte-identical', () => {
    fc.assert(
      fc.property(confText, fc.array(edit, { maxLength: 6 }), (text, edits) => {
        const before = parseKongConf(text);
        const after = parseKongConf(renderConf(text, edits));
        const intended = new Map<string, ConfEdit>();
        for (const e of edits) intended.set(e.key, e);

        const afterValues = effectiveEntries(after);
        for (const [key, e] of intended) {
          expect(afterValues.get(key)?.value).toBe(e.op === 'set' ? e.value : undefined);
        }
        const beforeValues = effectiveEntries(before);
        for (const key of new Set([...beforeValues.keys(), ...afterValues.keys()])) {
          if (!intended.has(key)) expect(afterValues.get(key)?.value).toBe(beforeValues.get(key)?.value);
        }
        const edited = new Set(intended.keys());
        expect(untouchedLines(after, edited)).toEqual(untouchedLines(before, edited));
      }),
      { numRuns: 500 },
    );
  });
});
