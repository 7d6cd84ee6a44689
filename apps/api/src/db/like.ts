/**
 * A user's text as a literal inside a LIKE/ILIKE pattern (Prisma's `contains` builds
 * `%text%`): `%`, `_` and the escape character itself match only themselves.
 * PostgreSQL's default LIKE escape character is the backslash.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
