// PostgreSQL role names as iamroll accepts them for IAM users: they end up in SQL
// (quoted), in kong.conf (pg_user) and in an IAM ARN (`dbuser:<DbiResourceId>/<user>`),
// so the allowed set is what all three take without surprises.

const MAX_IDENTIFIER_BYTES = 63; // NAMEDATALEN - 1: PostgreSQL truncates longer names
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@$-]*$/;

/** Why `name` cannot be used as a database, schema or user name, or null when it can. */
export function sqlNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES)
    return `it is longer than ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL would truncate it)`;
  if (!USER_NAME.test(name)) return 'use letters, digits and _ . @ $ - (starting with a letter, digit or _)';
  return null;
}

/** Why `name` cannot be used as a database user name, or null when it can. */
export function dbUserProblem(name: string): string | null {
  const problem = sqlNameProblem(name);
  if (problem !== null) return problem;
  if (name.toLowerCase().startsWith('pg_')) return 'PostgreSQL reserves role names starting with pg_';
  return null;
}

/** A double-quoted SQL identifier: "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
