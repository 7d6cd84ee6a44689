import type { Role, UserView } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { QueryView } from '../../../components/states';
import { formatAgo } from '../../../lib/format';
import { useSession } from '../../auth/hooks/use-session';
import { createUser, updateUser, userKeys, usersQuery } from '../api/admin-queries';
import { Field } from '../../../components/Field';

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

function CreateUserForm() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const mutation = useMutation({
    mutationFn: () => createUser({ username: username.trim(), password, role }),
    onSuccess: () => {
      setUsername('');
      setPassword('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="inline-form card" onSubmit={submit} aria-label="Create a user">
      <Field label="Username">
        <input
          required
          minLength={2}
          maxLength={64}
          pattern="[a-z0-9][a-z0-9._\-]*"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </Field>
      <Field label="Password (12+ characters)">
        <input
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Field label="Role">
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((item) => (
            <option key={item}>{item}</option>
          ))}
        </select>
      </Field>
      <button type="submit" className="primary" disabled={mutation.isPending}>
        Create user
      </button>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
    </form>
  );
}

function UserRow({ user, isSelf }: { user: UserView; isSelf: boolean }) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof updateUser>[1]) => updateUser(user.id, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
  return (
    <tr>
      <td>
        {user.username}
        {isSelf && <span className="muted small"> (you)</span>}
      </td>
      <td>
        <label className="sr-only" htmlFor={`role-${user.id}`}>
          Role of {user.username}
        </label>
        <select
          id={`role-${user.id}`}
          value={user.role}
          disabled={isSelf || mutation.isPending}
          onChange={(e) => mutation.mutate({ role: e.target.value as Role })}
        >
          {ROLES.map((item) => (
            <option key={item}>{item}</option>
          ))}
        </select>
      </td>
      <td>{user.isDisabled ? 'disabled' : 'active'}</td>
      <td>{formatAgo(user.lastLoginAt)}</td>
      <td>
        <button
          type="button"
          disabled={isSelf || mutation.isPending}
          onClick={() => mutation.mutate({ isDisabled: !user.isDisabled })}
        >
          {user.isDisabled ? 'Enable' : 'Disable'}
        </button>
        {mutation.isError && (
          <span className="error-text" role="alert">
            {' '}
            {mutation.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const query = useQuery(usersQuery());
  const { user: me } = useSession();
  return (
    <>
      <header className="page-header">
        <h1>Users</h1>
        <p className="muted">
          viewer: sees everything; operator: also acts on rollouts and alarms; admin: also manages users, tokens and
          databases.
        </p>
      </header>
      <CreateUserForm />
      <QueryView query={query}>
        {(data) => (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="sr-only">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Last login</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((user) => (
                  <UserRow key={user.id} user={user} isSelf={user.id === me?.id} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </>
  );
}
