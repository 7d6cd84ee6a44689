import { Type, type Static } from 'typebox';
import { Page, Reason, Role, Timestamp, Uuid } from './common';

/** API tokens start with this prefix: `Authorization: Bearer iam_…`. */
export const API_TOKEN_PREFIX = 'iam_';

export const ApiTokenView = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** The first characters of the token, to tell tokens apart; never the secret. */
  prefix: Type.String(),
  role: Role,
  userId: Uuid,
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const ApiTokenList = Page(ApiTokenView);
export type ApiTokenList = Static<typeof ApiTokenList>;

export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Role,
    /** Omit for a token that does not expire. */
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

/** The only response that carries the token itself: store it now. */
export const CreatedApiToken = Type.Object({ token: Type.String(), apiToken: ApiTokenView });
export type CreatedApiToken = Static<typeof CreatedApiToken>;
