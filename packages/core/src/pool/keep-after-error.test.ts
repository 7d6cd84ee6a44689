import { describe, expect, it } from 'vitest';
import { isReusableAfterError } from './keep-after-error';

function serverError(code: string, severity = 'ERROR'): Error {
  return Object.assign(new Error('server said no'), { code, severity });
}

const idle = { getTransactionStatus: () => 'I' as const };
const inFailedTransaction = { getTransactionStatus: () => 'E' as const };
const inTransaction = { getTransactionStatus: () => 'T' as const };

describe('isReusableAfterError', () => {
  it.each([
    ['division by zero', '22012'],
    ['unique violation', '23505'],
    ['undefined table', '42P01'],
    ['invalid input syntax', '22P02'],
  ])('keeps an idle connection after a statement error (%s)', (_name, code) => {
    expect(isReusableAfterError(idle, serverError(code))).toBe(true);
  });

  it('destroys a connection left in a failed transaction', () => {
    expect(isReusableAfterError(inFailedTransaction, serverError('22012'))).toBe(false);
  });

  it('destroys a connection left inside an open transaction', () => {
    expect(isReusableAfterError(inTransaction, serverError('22012'))).toBe(false);
  });

  it.each([
    ['connection exception', '08006'],
    ['admin shutdown', '57P01'],
    ['too many connections', '53300'],
    ['internal error', 'XX000'],
  ])('destroys a connection after a session-level error (%s)', (_name, code) => {
    expect(isReusableAfterError(idle, serverError(code))).toBe(false);
  });

  it('destroys a connection after a FATAL, whatever its SQLSTATE', () => {
    expect(isReusableAfterError(idle, serverError('28P01', 'FATAL'))).toBe(false);
  });

  it('destroys a connection after a client-side error without a SQLSTATE', () => {
    expect(isReusableAfterError(idle, new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
