import { Type, type Static } from 'typebox';
import { Timestamp } from './common';

/**
 * What `GET /api/v1/events` (Server-Sent Events) delivers: the SSE `event:`
 * field is `type`, the `data:` field is this object as JSON. There is no
 * replay: after a reconnect, refetch what you show.
 */
export const ServerEvent = Type.Object({
  type: Type.String({ description: '`<domain>.<what happened>`, e.g. `user.updated`, `node.updated`.' }),
  at: Timestamp,
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type ServerEvent = Static<typeof ServerEvent>;

export const EVENTS_PATH = '/api/v1/events';
