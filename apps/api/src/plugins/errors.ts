import type { ErrorBody, ErrorCode, FieldError } from '@iamroll/contracts';
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors';

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

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
      return reply.status(appError.statusCode).send(body(appError));
    });

    app.setNotFoundHandler((request, reply) => {
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
