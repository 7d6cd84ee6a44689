import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type AjvCompilerOptions = Parameters<ReturnType<typeof AjvCompiler>>[1];
type BuildValidator = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'];

/** NUL, or a UTF-16 surrogate without its partner: PostgreSQL cannot store either in text or jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE =
  'must not contain NUL characters or unpaired UTF-16 surrogates (they cannot be stored): remove them';

export const NON_FINITE_MESSAGE = 'must be a finite number';

interface TextIssue {
  readonly instancePath: string;
  readonly keyword: 'storableText' | 'finiteNumber';
  readonly params: Record<string, never>;
  readonly message: string;
}

const pointer = (segment: string | number) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Every string (and object key) in a parsed request part that PostgreSQL could not store, as Ajv-style issues. */
export function unstorableText(value: unknown, path = '', issues: TextIssue[] = []): TextIssue[] {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      issues.push({ instancePath: path, keyword: 'storableText', params: {}, message: UNSTORABLE_TEXT_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableText(item, path + pointer(index), issues));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      // A bad key is named by a placeholder: echoing it would put the bad text in the error body.
      const segment = UNSTORABLE.test(key) ? '(a key with unstorable text)' : key;
      if (segment !== key) unstorableText(key, path + pointer(segment), issues);
      unstorableText(child, path + pointer(segment), issues);
    }
  }
  return issues;
}

/**
 * Numbers Ajv coerced from text to Infinity or NaN (`?offset=1e309`): Ajv counts Infinity
 * as an integer and lets it past `maximum`, and the database cannot take it.
 */
export function nonFiniteNumbers(value: unknown, path = '', issues: TextIssue[] = []): TextIssue[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      issues.push({ instancePath: path, keyword: 'finiteNumber', params: {}, message: NON_FINITE_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nonFiniteNumbers(item, path + pointer(index), issues));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) nonFiniteNumbers(child, path + pointer(key), issues);
  }
  return issues;
}

const NO_ISSUES: readonly TextIssue[] = [];

/** Not an object or array, and no issue of its own: needs no path (most values of a body stop here). */
function isCleanLeaf(value: unknown): boolean {
  if (typeof value === 'string') return !UNSTORABLE.test(value);
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value !== 'object' || value === null;
}

interface BodyIssues {
  text: TextIssue[] | undefined;
  numbers: TextIssue[] | undefined;
}

/**
 * `unstorableText` and `nonFiniteNumbers` of a JSON body in one walk, building a path only
 * for an issue: the same issues in the same order, at a fraction of the cost on the hot
 * path (thousands of heartbeats a second, nearly all clean). Bodies are not coerced, so the
 * numbers seen before Ajv are those after it.
 */
function bodyIssues(value: unknown, path: string, textPath: string, found: BodyIssues): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      (found.text ??= []).push({
        instancePath: textPath,
        keyword: 'storableText',
        params: {},
        message: UNSTORABLE_TEXT_MESSAGE,
      });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value))
      (found.numbers ??= []).push({
        instancePath: path,
        keyword: 'finiteNumber',
        params: {},
        message: NON_FINITE_MESSAGE,
      });
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (isCleanLeaf(item)) continue;
      const segment = pointer(index);
      bodyIssues(item, path + segment, textPath + segment, found);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const child: unknown = (value as Record<string, unknown>)[key];
      const isBadKey = UNSTORABLE.test(key);
      if (!isBadKey && isCleanLeaf(child)) continue;
      const textSegment = pointer(isBadKey ? '(a key with unstorable text)' : key);
      if (isBadKey) bodyIssues(key, path, textPath + textSegment, found);
      bodyIssues(child, path + pointer(key), textPath + textSegment, found);
    }
  }
}

/**
 * Whether a parsed request part holds nothing the walks above would report: no unstorable text
 * (with `isText`, in values and keys) and no non-finite number (with `isNumber`). It builds no
 * path and allocates nothing, so the walks that name fields run only for a request that has an
 * issue: nearly every request is clean, and the paths were ~3 kB of garbage per heartbeat.
 */
export function isClean(value: unknown, isText: boolean, isNumber: boolean): boolean {
  if (typeof value === 'string') return !isText || !UNSTORABLE.test(value);
  if (typeof value === 'number') return !isNumber || Number.isFinite(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!isClean(value[index], isText, isNumber)) return false;
    return true;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (isText && UNSTORABLE.test(key)) return false;
      if (!isClean((value as Record<string, unknown>)[key], isText, isNumber)) return false;
    }
  }
  return true;
}

const NO_BODY_ISSUES = { text: NO_ISSUES, numbers: NO_ISSUES } as const;

/** Bodies: both checks in one walk (see bodyIssues), after a walk that finds most bodies clean. */
function issuesOfBody(data: unknown): { readonly text: readonly TextIssue[]; readonly numbers: readonly TextIssue[] } {
  if (isClean(data, true, true)) return NO_BODY_ISSUES;
  const found: BodyIssues = { text: undefined, numbers: undefined };
  bodyIssues(data, '', '', found);
  return { text: found.text ?? NO_ISSUES, numbers: found.numbers ?? NO_ISSUES };
}

/**
 * Fastify's own Ajv compiler, with two policies by request part:
 *
 * - Bodies are JSON, so they arrive typed and are validated as sent: no type
 *   coercion (`{"budgetPerSecond": true}` or `{"isDisabled": null}` must be
 *   refused, not turned into 1 and false).
 * - Query strings, path parameters and headers arrive as text, so they are
 *   coerced (`?limit=50` is the integer 50).
 *
 * Before Ajv runs, every string in every validated part is checked for text
 * PostgreSQL cannot store (NUL, unpaired surrogates), so such input is a 400
 * naming the field on every route, instead of a 500 or a failed batched write.
 * After it, numbers coerced to Infinity or NaN are refused the same way.
 */
export const buildValidator: BuildValidator = (externalSchemas, ajvServerOptions) => {
  const compilers = AjvCompiler();
  const withCoercion = (coerceTypes: false | 'array') =>
    compilers(externalSchemas, {
      ...ajvServerOptions,
      customOptions: { ...ajvServerOptions?.customOptions, coerceTypes },
    } as AjvCompilerOptions);
  const forBodies = withCoercion(false);
  const forText = withCoercion('array');
  return (route) => {
    const isBody = route.httpPart === 'body';
    const validate = (isBody ? forBodies : forText)(route);
    const guarded = ((data: unknown, context?: unknown) => {
      const body = isBody ? issuesOfBody(data) : undefined;
      const issues = body ? body.text : isClean(data, true, false) ? NO_ISSUES : unstorableText(data);
      if (issues.length > 0) {
        guarded.errors = issues as unknown as typeof validate.errors;
        return false;
      }
      const isValid = (validate as (data: unknown, context?: unknown) => boolean)(data, context);
      guarded.errors = validate.errors;
      if (!isValid) return false;
      const nonFinite = body ? body.numbers : isClean(data, false, true) ? NO_ISSUES : nonFiniteNumbers(data);
      if (nonFinite.length === 0) return true;
      guarded.errors = nonFinite as unknown as typeof validate.errors;
      return false;
    }) as typeof validate;
    // Fastify hands Ajv the parent object (to replace a coerced root) only when this is set.
    Object.assign(guarded, { schema: validate.schema, schemaEnv: (validate as { schemaEnv?: unknown }).schemaEnv });
    return guarded;
  };
};
