import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations';

/** Strings that broke or could break something: NUL, lone surrogates, LIKE wildcards, huge numbers as text, secrets. */
const NASTY_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00',
  '\uDBFF\uDFFF',
  '%',
  '_',
  '\\',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  '9223372036854775807',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '{}',
  '🚀',
  '\u202Eevil',
  'ＡＫＩＡ',
  'x'.repeat(300),
  'x'.repeat(70_000),
  '00000000-0000-0000-0000-000000000000',
  '2026-13-45T99:99:99Z',
  '9999-12-31T23:59:59Z',
];

const NASTY_NUMBERS = [
  0,
  -1,
  1,
  0.5,
  -0.0,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  2 ** 63, // 9223372036854775807 as a JavaScript number
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

export const nastyNumber = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased to the ones that break things. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const bounded = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);

/** Mostly valid values for a JSON schema, with nasty leaves, missing required fields and extra fields mixed in. */
export function arbitraryFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return nastyValue;
  const valid = validFor(schema, depth);
  return fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: nastyValue });
}

function validFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => arbitraryFor(variant, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({
        min: Math.max(bounded(schema.minimum, -(2 ** 31)), -(2 ** 31)),
        max: Math.min(bounded(schema.maximum, 2 ** 31), 2 ** 31),
      });
    case 'number':
      return fc.double({
        min: bounded(schema.minimum ?? schema.exclusiveMinimum, -1e6),
        max: bounded(schema.maximum, 1e6),
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(schema.items as JsonSchema, depth + 1), {
        maxLength: Math.min(bounded(schema.maxItems, 3), 3),
      });
    case 'object':
      return objectFor(schema, depth);
    default:
      return nastyValue;
  }
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const maxLength = Math.min(bounded(schema.maxLength, 40), 80);
  const minLength = Math.min(bounded(schema.minLength, 0), maxLength);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  if (typeof schema.pattern === 'string') {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .map((text) => text.slice(0, maxLength))
      .filter((text) => text.length >= minLength);
  }
  return fc.string({ minLength, maxLength });
}

function objectFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, arbitraryFor(property, depth + 1)]),
  );
  const record = fc.record(fields, { requiredKeys: [...required].filter((name) => name in fields) });
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number) =>
    fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
  const requiredNames = [...required];
  return fc
    .tuple(
      record,
      sometimes(fc.tuple(nastyString, nastyValue), 8),
      requiredNames.length > 0 ? sometimes(fc.constantFrom(...requiredNames), 10) : fc.constant(null),
    )
    .map(([value, extra, dropped]) => {
      const object: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      if (extra) object[extra[0]] = extra[1];
      if (dropped) delete object[dropped];
      return object;
    });
}
