import { Type, type Static } from 'typebox';

/**
 * `GET /api/v1/databases/{id}/rates` and `GET /api/v1/nodes/{id}/rates`. `from` and `to`
 * are ISO 8601 timestamps or epoch milliseconds (default: the last 15 minutes); `step`
 * is in seconds and is rounded up to a multiple of the resolution.
 */
export const RatesQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 or epoch milliseconds' })),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 or epoch milliseconds' })),
    step: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'seconds per point' })),
  },
  { additionalProperties: false },
);
export type RatesQuery = Static<typeof RatesQuery>;

export const RatePoint = Type.Object({
  /** Start of the step, epoch milliseconds. */
  t: Type.Integer(),
  /** New connections per second, averaged over the step. */
  rate: Type.Number({ minimum: 0 }),
  /** The busiest second of the step (per second; at 10 s and 1 min resolution, the busiest second of its buckets). */
  peak: Type.Number({ minimum: 0 }),
});
export type RatePoint = Static<typeof RatePoint>;

/** Seconds per stored point: 1 (memory, last hour), 10 (kept a day), 60 (kept 30 days). */
export const RateResolution = Type.Union([Type.Literal(1), Type.Literal(10), Type.Literal(60)]);
export type RateResolution = Static<typeof RateResolution>;

/**
 * Databases: new IAM authentications (what RDS's budget counts). Nodes: every new
 * connection of the node (read-write and read-only, IAM or password).
 */
export const RateSeries = Type.Object({
  points: Type.Array(RatePoint),
  budgetPerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
  resolution: RateResolution,
  /** `local`: the agents' counters. The database's own figures: `GET /databases/{id}/rates/{cloudwatch|rds-sim}`. */
  source: Type.Optional(Type.Literal('local')),
});
export type RateSeries = Static<typeof RateSeries>;

/** The `rates.tick` event (once a second): each database's current IAM rate (10 s average). */
export const RatesTickData = Type.Object({
  /** Epoch milliseconds of the evaluation. */
  t: Type.Integer(),
  databases: Type.Array(
    Type.Object({ id: Type.String(), ratePerSecond: Type.Number(), budgetPerSecond: Type.Integer() }),
  ),
});
export type RatesTickData = Static<typeof RatesTickData>;
