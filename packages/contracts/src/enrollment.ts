import { Type, type Static } from 'typebox';
import { HostName, Page, Reason, Timestamp, Uuid } from './common';

/** Enrollment tokens start with this prefix. */
export const ENROLLMENT_TOKEN_PREFIX = 'iamenroll_';
/** Agent credentials start with this prefix: `Authorization: Bearer iamagent_…`. */
export const AGENT_CREDENTIAL_PREFIX = 'iamagent_';

export const EnrollmentTokenView = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdById: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  usesLeft: Type.Integer({ minimum: 0 }),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
export type EnrollmentTokenView = Static<typeof EnrollmentTokenView>;

export const EnrollmentTokenList = Page(EnrollmentTokenView);
export type EnrollmentTokenList = Static<typeof EnrollmentTokenList>;

export const CreateEnrollmentTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** How many nodes may enroll with it. */
    uses: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    expiresInHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 }),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type CreateEnrollmentTokenBody = Static<typeof CreateEnrollmentTokenBody>;

export const CreatedEnrollmentToken = Type.Object({ token: Type.String(), enrollmentToken: EnrollmentTokenView });
export type CreatedEnrollmentToken = Static<typeof CreatedEnrollmentToken>;

export const KongRole = Type.Enum(['traditional', 'control_plane', 'data_plane']);
export type KongRole = Static<typeof KongRole>;

/** Sent by an agent once, with `Authorization: Bearer iamenroll_…`. */
export const EnrollBody = Type.Object(
  {
    hostname: HostName,
    kongVersion: Type.String({ minLength: 1, maxLength: 64 }),
    role: KongRole,
    agentVersion: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type EnrollBody = Static<typeof EnrollBody>;

/** The credential is shown once; the agent stores it (mode 0600) and uses it as its bearer token. */
export const EnrollResponse = Type.Object({ nodeId: Uuid, credential: Type.String() });
export type EnrollResponse = Static<typeof EnrollResponse>;

/** `GET /api/v1/agents/me`: lets an agent check its credential. */
export const AgentIdentity = Type.Object({ nodeId: Uuid, hostname: Type.String() });
export type AgentIdentity = Static<typeof AgentIdentity>;
