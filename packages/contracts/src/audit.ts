import { Type, type Static } from 'typebox';
import { Limit, Offset, Page, Timestamp } from './common';

export const ActorType = Type.Enum(['user', 'token', 'agent', 'system']);
export type ActorType = Static<typeof ActorType>;

export const AuditEventView = Type.Object({
  /** A decimal string: the id is a 64-bit sequence. */
  id: Type.String(),
  at: Timestamp,
  actorType: ActorType,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  /** `<domain>.<verb>`, e.g. `user.create`. */
  action: Type.String(),
  subjectType: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEventView = Static<typeof AuditEventView>;

export const AuditQuery = Type.Object(
  {
    limit: Limit,
    offset: Offset,
    action: Type.Optional(Type.String({ maxLength: 100 })),
    subjectType: Type.Optional(Type.String({ maxLength: 100 })),
    subjectId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

/** Newest first. */
export const AuditList = Page(AuditEventView);
export type AuditList = Static<typeof AuditList>;
