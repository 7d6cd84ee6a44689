import { Type, type Static } from 'typebox';

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });
export type HealthResponse = Static<typeof HealthResponse>;

export const CheckStatus = Type.Enum(['ok', 'failing']);

export const ReadyResponse = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  checks: Type.Object({
    database: CheckStatus,
    migrations: CheckStatus,
  }),
  /** What is failing, in words, when not ready. */
  message: Type.Optional(Type.String()),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
