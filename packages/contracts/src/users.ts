import { Type, type Static } from 'typebox';
import { Password, Username } from './auth';
import { Page, Reason, Role, Timestamp, Uuid } from './common';

export const UserView = Type.Object({
  id: Uuid,
  username: Type.String(),
  role: Role,
  isDisabled: Type.Boolean(),
  disabledAt: Type.Union([Timestamp, Type.Null()]),
  lastLoginAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type UserView = Static<typeof UserView>;

export const UserList = Page(UserView);
export type UserList = Static<typeof UserList>;

export const CreateUserBody = Type.Object(
  { username: Username, password: Password, role: Role, reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Role),
    isDisabled: Type.Optional(Type.Boolean()),
    /** Sets a new password and signs the user out everywhere. */
    password: Type.Optional(Password),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;
