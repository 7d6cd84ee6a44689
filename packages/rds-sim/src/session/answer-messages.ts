/** Backend messages the answer mode writes itself (in relay mode they come from upstream). */

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');

export function authenticationOk(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32BE(0, 0);
  return message('R', body);
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

/** 'I' idle, 'T' in a transaction block, 'E' failed transaction. */
export function readyForQuery(status: 'I' | 'T' | 'E' = 'I'): Buffer {
  return message('Z', Buffer.from(status));
}

const INT4_OID = 23;

/** One int4 column named `?column?`, text format: what `SELECT 1` describes. */
export function rowDescriptionOneInt(): Buffer {
  const field = Buffer.alloc(18);
  field.writeInt32BE(0, 0); // table oid
  field.writeInt16BE(0, 4); // column attribute number
  field.writeInt32BE(INT4_OID, 6);
  field.writeInt16BE(4, 10); // type size
  field.writeInt32BE(-1, 12); // type modifier
  field.writeInt16BE(0, 16); // text format
  const count = Buffer.alloc(2);
  count.writeInt16BE(1, 0);
  return message('T', Buffer.concat([count, cstring('?column?'), field]));
}

export function dataRowOne(): Buffer {
  const body = Buffer.alloc(2 + 4 + 1);
  body.writeInt16BE(1, 0);
  body.writeInt32BE(1, 2);
  body.write('1', 6);
  return message('D', body);
}

export function commandComplete(tag: string): Buffer {
  return message('C', cstring(tag));
}

export const PARSE_COMPLETE = message('1', Buffer.alloc(0));
export const BIND_COMPLETE = message('2', Buffer.alloc(0));
export const CLOSE_COMPLETE = message('3', Buffer.alloc(0));
export const EMPTY_QUERY_RESPONSE = message('I', Buffer.alloc(0));

export function parameterDescriptionNone(): Buffer {
  return message('t', Buffer.from([0, 0]));
}
