/** The few backend messages the simulator writes itself (the rest comes from upstream). */

export const SSL_ACCEPTED = Buffer.from('S');
export const ENCRYPTION_REFUSED = Buffer.from('N');

/** 'R' code 3: ask for a cleartext password — what RDS's `pam` rule does for rds_iam members. */
export function authenticationCleartextPassword(): Buffer {
  const message = Buffer.alloc(9);
  message.write('R', 0);
  message.writeInt32BE(8, 1);
  message.writeInt32BE(3, 5);
  return message;
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  const message = Buffer.alloc(13);
  message.write('K', 0);
  message.writeInt32BE(12, 1);
  message.writeInt32BE(processId, 5);
  message.writeInt32BE(secretKey, 9);
  return message;
}

export interface ErrorFields {
  readonly severity: 'FATAL' | 'ERROR';
  readonly sqlState: string;
  readonly message: string;
  readonly detail?: string;
  /** The C function PostgreSQL would name in field R (clients show it in verbose mode). */
  readonly routine?: string;
}

/** An ErrorResponse with the fields PostgreSQL sends (S, V, C, M, D, R). */
export function errorResponse(fields: ErrorFields): Buffer {
  const parts: Array<[string, string]> = [
    ['S', fields.severity],
    ['V', fields.severity],
    ['C', fields.sqlState],
    ['M', fields.message],
  ];
  if (fields.detail) parts.push(['D', fields.detail]);
  if (fields.routine) parts.push(['R', fields.routine]);
  const body = Buffer.concat([
    ...parts.map(([code, text]) => Buffer.from(`${code}${text}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
