import fc from 'fast-check';

// Generators for property tests: kong.conf text as found on real nodes and worse
// (continuations, sections, CRLF, escapes, unicode, garbage).

export const confLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('a', 'p', 'g', '_', '=', '#', '\\', '[', ']', ' ', '\t', ';', '\r', 'É', '-'),
    maxLength: 30,
  }),
  fc
    .tuple(
      fc.constantFrom('pg_user', 'pg_iam_auth', 'pg_ro_host', 'PG_HOST', 'pg-user', ' pg_password'),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('', ' # c', '\\', ' \\#x', '\r'),
    )
    .map(([key, value, tail]) => `${key} = ${value}${tail}`),
  fc.constantFrom('', '# comment', '[section]', '[broken', '\\', '  \\  ', 'pg_ssl = on \\', '; old'),
);

export const confText = fc
  .tuple(fc.array(confLine, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, finalNewline]) => lines.join(eol) + (finalNewline && lines.length > 0 ? eol : ''));
