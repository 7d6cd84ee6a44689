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
    const validate = (route.httpPart === 'body' ? forBodies : forText)(route);
    const guarded = ((data: unknown, context?: unknown) => {
      const issues = unstorableText(data);
      if (issues.length > 0) {
        guarded.errors = issues as unknown as typeof validate.errors;
        return false;
      }
      const isValid = (validate as (data: unknown, context?: unknown) => boolean)(data, context);
      guarded.errors = validate.errors;
      if (!isValid) return false;
      const nonFinite = nonFiniteNumbers(data);
      if (nonFinite.length === 0) return true;
      guarded.errors = nonFinite as unknown as typeof validate.errors;
      return false;
    }) as typeof validate;
    // Fastify hands Ajv the parent object (to replace a coerced root) only when this is set.
    Object.assign(guarded, { schema: validate.schema, schemaEnv: (validate as { schemaEnv?: unknown }).schemaEnv });
    return guarded;
  };
};
