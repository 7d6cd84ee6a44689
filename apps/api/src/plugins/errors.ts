import type { ErrorBody, ErrorCode, FieldError } from '@iamroll/contracts';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseBusy, TRANSACTION_MAX_WAIT_MS } from '../db/prisma-client';
import { AppError } from '../errors';
import { API_CACHE_CONTROL, SECURITY_HEADERS } from '../http/security-headers';

/** Retry-After on a 503 (seconds): about how long a burst of waiting transactions takes to drain. */
const BUSY_RETRY_AFTER_SECONDS = 5;

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Answers a GET no route matched, before the JSON 404 (the dashboard's page for its deep
     * links, set by plugins/web.ts); returns undefined to leave the request to the 404.
     */
    pageFallback: ((request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined;
  }
}

const PART_NAMES: Readonly<Record<string, string>> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** `body.username`, `query.limit`: where the problem is, in the terms a client uses. */
function fieldPath(context: string | undefined, issue: ValidationIssue): string {
  const segments = issue.instancePath.split('/').filter(Boolean);
  const params = issue.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty) segments.push(params.missingProperty);
  if (params.additionalProperty) segments.push(params.additionalProperty);
  return [PART_NAMES[context ?? 'body'] ?? context, ...segments].join('.');
}

function fieldMessage(issue: ValidationIssue): string {
  const params = issue.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty) return 'is required';
  if (params.additionalProperty) return 'is not a known field';
  return issue.message ?? 'is invalid';
}

export function validationFields(error: FastifyError): FieldError[] {
  const fields = (error.validation ?? []).map((issue) => ({
    path: fieldPath(error.validationContext, issue),
    message: fieldMessage(issue),
  }));
  // allErrors reports e.g. each branch of a union; one line per field and message is enough.
  return fields.filter(
    (field, index) =>
      fields.findIndex((other) => other.path === field.path && other.message === field.message) === index,
  );
}

function body(error: AppError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: [...error.fields] } : {}) },
  };
}

/**
 * Fastify's own URL errors (a path parameter over the length limit: 414; a malformed
 * percent-encoding: 400) are answered before any route or hook runs: give them the one
 * error shape and the security headers too.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, _request, reply) => {
  const status = error.statusCode === 414 || error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message =
    status === 414
      ? 'A path segment of the URL is too long: ids are UUIDs. The API is described at /docs.'
      : 'The URL is malformed (check its percent-encoding). The API is described at /docs.';
  const field = { path: 'url', message: status === 414 ? 'has a path segment that is too long' : 'is malformed' };
  const appError = new AppError('validation', message, [field], status);
  const plain = reply as unknown as FastifyReply; // the option's generic reply type
  plain.headers({ ...SECURITY_HEADERS, 'cache-control': API_CACHE_CONTROL });
  void plain.status(status).send(body(appError));
};

/**
 * Requests Node's HTTP parser refuses (malformed, headers too large) never reach Fastify:
 * answer them in the same shape, with the same headers, then close the connection.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const payload = JSON.stringify(
    body(
      new AppError(
        'validation',
        status === 431 ? 'The request headers are too large.' : 'The request is not valid HTTP.',
        undefined,
        status,
      ),
    ),
  );
  const headers = {
    ...SECURITY_HEADERS,
    'cache-control': API_CACHE_CONTROL,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n\r\n${payload}`);
}

const CODE_BY_CLIENT_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
};

function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields = validationFields(error);
    return new AppError(
      'validation',
      `The request is invalid: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}.`,
      fields,
    );
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's and its plugins' client errors (malformed JSON, wrong content type, body too large, rate limit): their messages are safe.
    return new AppError(CODE_BY_CLIENT_STATUS[status] ?? 'validation', error.message, undefined, status);
  }
  if (isDatabaseBusy(error)) {
    request.log.warn({ err: error }, 'request refused: no database connection in time');
    return new AppError(
      'unavailable',
      `The controller is busy: no database connection came free within ${TRANSACTION_MAX_WAIT_MS / 1000} s, so nothing was changed. Retry in a few seconds; if it keeps happening, raise IAMROLL_DB_POOL_SIZE.`,
    );
  }
  request.log.error({ err: error }, 'request failed');
  return new AppError(
    'internal',
    `Something went wrong on the server. Its log has the details (request ${request.id}).`,
  );
}

/**
 * One error handler for the whole app: AppErrors keep their code, schema
 * failures become `validation` naming each field, Fastify's own 4xx errors
 * keep their status, and anything else is a 500 whose details stay in the log.
 */
export default fp(
  (app, _options, done) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error, request);
      // A busy controller: the client may send the same request again after this.
      if (appError.code === 'unavailable' && !reply.hasHeader('retry-after'))
        reply.header('retry-after', BUSY_RETRY_AFTER_SECONDS);
      return reply.status(appError.statusCode).send(body(appError));
    });

    app.decorate('pageFallback', undefined);
    app.setNotFoundHandler((request, reply) => {
      const page = request.method === 'GET' ? app.pageFallback?.(request, reply) : undefined;
      if (page) return page;
      const appError = new AppError(
        'not_found',
        `There is no ${request.method} ${request.url.split('?')[0]}. The API is described at /docs.`,
      );
      return reply.status(404).send(body(appError));
    });
    done();
  },
  { name: 'errors', fastify: '5.x' },
);
