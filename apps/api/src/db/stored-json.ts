/**
 * Whether two values are stored as the same JSON document (a `Json` column: PostgreSQL jsonb):
 * what `JSON.stringify` would write, with key order ignored (jsonb keeps none). In an object a
 * property whose value is `undefined`, a function or a symbol is absent, as it is when written;
 * in an array it is `null`. A non-finite number is `null`. A value with `toJSON` (a Date) is what
 * that returns. Cheap when most of both sides are the same objects (they are compared by
 * reference first): the rollout reconciler compares a 10,000-node state each pass this way
 * instead of serialising it twice (rollout-pass.ts).
 */
export function isSameStoredJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const left = stored(a);
  const right = stored(b);
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!isSameStoredJson(inArray(left[i]), inArray(right[i]))) return false;
    return true;
  }
  const l = left as Record<string, unknown>;
  const r = right as Record<string, unknown>;
  let written = 0;
  for (const key in l) {
    if (!Object.hasOwn(l, key) || isOmitted(l[key])) continue;
    written += 1;
    if (!Object.hasOwn(r, key) || isOmitted(r[key]) || !isSameStoredJson(l[key], r[key])) return false;
  }
  for (const key in r) if (Object.hasOwn(r, key) && !isOmitted(r[key])) written -= 1;
  return written === 0;
}

/** A property JSON.stringify leaves out of an object. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** What JSON.stringify writes for an array element it cannot write. */
function inArray(value: unknown): unknown {
  return isOmitted(value) ? null : value;
}

/** The value as JSON.stringify sees it: toJSON applied, a non-finite number as null. */
function stored(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return stored((value as { toJSON: () => unknown }).toJSON());
  return value;
}
