import { Type, type Static } from 'typebox';
import { Role, Uuid } from './common';

export const Username = Type.String({
  minLength: 2,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  description: 'Lower-case letters, digits, dot, underscore and dash.',
});

/** Long passphrases beat complexity rules; the upper bound keeps scrypt cheap to refuse. */
export const Password = Type.String({ minLength: 12, maxLength: 256 });

export const LoginBody = Type.Object(
  {
    // Lenient on purpose: a wrong username answers 401 like a wrong password.
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const SessionUser = Type.Object({
  id: Uuid,
  username: Type.String(),
  role: Role,
});
export type SessionUser = Static<typeof SessionUser>;

/**
 * The signed-in user and the CSRF token that cookie-authenticated
 * POST/PUT/PATCH/DELETE requests must echo in the `x-csrf-token` header.
 */
export const MeResponse = Type.Object({
  user: SessionUser,
  /** Null when authenticated with an API token (no CSRF needed). */
  csrfToken: Type.Union([Type.String(), Type.Null()]),
});
export type MeResponse = Static<typeof MeResponse>;

export const LoginResponse = MeResponse;
export type LoginResponse = MeResponse;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** The header carrying the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
