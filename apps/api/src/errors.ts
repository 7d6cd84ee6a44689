import type { ErrorCode, FieldError } from '@iamroll/contracts';

/** The one mapping from error code to HTTP status. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * An expected failure with a stable code and a message for the user that
 * says what to do. Services throw these; the errors plugin turns them into
 * `{error: {code, message, fields?}}` responses. Messages must never contain
 * tokens, passwords or connection strings.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: readonly FieldError[],
    /** Only to keep a more precise 4xx from Fastify (413, 415, …); normally derived from the code. */
    readonly statusCode: number = STATUS_BY_CODE[code],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }

  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }

  static forbidden(message = 'Your role does not allow this.'): AppError {
    return new AppError('forbidden', message);
  }

  static unauthenticated(message = 'Sign in, or send an API token as `Authorization: Bearer iam_…`.'): AppError {
    return new AppError('unauthenticated', message);
  }
}
