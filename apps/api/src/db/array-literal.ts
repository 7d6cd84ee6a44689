/**
 * A PostgreSQL array literal of numbers (`{1,2.5,NULL}`), for an `unnest($n::float8[])` parameter.
 *
 * node-postgres serialises a JS array element by element in JavaScript (each number to a string,
 * quoted, escaped, concatenated): a 1,000-row liveness write (15 number columns) held the event
 * loop for several milliseconds once a second and left ~3.5 kB of short-lived strings per node.
 * Numbers need no quoting, so one native `join` builds the same value node-postgres would send:
 * each number as JavaScript prints it (`1e+21`, `NaN`, `Infinity` included: PostgreSQL's float8
 * input reads them all), null or undefined as NULL.
 */
export function numberArrayLiteral(values: readonly (number | null | undefined)[]): string {
  const hasNull = values.some((value) => value === null || value === undefined);
  const elements = hasNull ? values.map((value) => (value === null || value === undefined ? 'NULL' : value)) : values;
  return `{${elements.join(',')}}`;
}
