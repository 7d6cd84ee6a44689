import type { FastifyInstance } from 'fastify';

export type JsonSchema = Record<string, unknown>;

export interface OperationParameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

/** One route as the app documents it: what the fuzzer and the authorisation matrix walk. */
export interface Operation {
  readonly method: string;
  /** OpenAPI path, `{id}` placeholders. */
  readonly path: string;
  readonly auth: string;
  readonly parameters: readonly OperationParameter[];
  readonly body: JsonSchema | undefined;
  /** `METHOD path`, for messages and tables. */
  readonly key: string;
}

interface OpenApiOperation {
  'x-iamroll-auth'?: string;
  parameters?: OperationParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Every operation of the app's own OpenAPI document (so new routes are covered without editing tests). */
export async function operationsOf(app: FastifyInstance): Promise<Operation[]> {
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  const spec = response.json<{ paths: Record<string, Record<string, OpenApiOperation>> }>();
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => method !== 'head')
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        auth: operation['x-iamroll-auth'] ?? 'undeclared',
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
        key: `${method.toUpperCase()} ${path}`,
      })),
  );
}

/**
 * Percent-encodes any string, even one encodeURIComponent refuses: a lone surrogate is sent
 * as the three bytes UTF-8 would give its code unit (invalid UTF-8, as a hostile client may send).
 */
export function encodeLoosely(text: string): string {
  let encoded = '';
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else encoded += encodeURIComponent(char);
  }
  return encoded;
}

/** `/api/v1/nodes/{id}/heartbeat` with `{id}` filled in. */
export function urlOf(operation: Operation, params: Readonly<Record<string, string>>): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeLoosely(params[name] ?? ''));
}
