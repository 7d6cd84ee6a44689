import type { ReactNode } from 'react';

/** One column of a token table: its header and what a row shows in it. */
export interface TokenColumn<T> {
  readonly header: string;
  readonly cell: (token: T) => ReactNode;
}

interface Props<T extends { id: string; name: string; prefix: string; revokedAt: string | null }> {
  readonly caption: string;
  readonly tokens: readonly T[];
  /** The columns between Prefix and State (each kind of token has its own). */
  readonly columns: readonly TokenColumn<T>[];
  readonly stateOf: (token: T) => string;
  readonly isRevoking: boolean;
  readonly onRevoke: (id: string) => void;
}

/** API tokens and enrollment tokens: name, prefix (never the secret), their own columns, state, Revoke. */
export function TokenTable<T extends { id: string; name: string; prefix: string; revokedAt: string | null }>({
  caption,
  tokens,
  columns,
  stateOf,
  isRevoking,
  onRevoke,
}: Props<T>) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.header}
              </th>
            ))}
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>
                <code>{token.prefix}…</code>
              </td>
              {columns.map((column) => (
                <td key={column.header}>{column.cell(token)}</td>
              ))}
              <td>{stateOf(token)}</td>
              <td>
                {!token.revokedAt && (
                  <button type="button" className="danger" disabled={isRevoking} onClick={() => onRevoke(token.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
