/**
 * The first packets of a PostgreSQL connection have no type byte: an Int32
 * length, an Int32 code, then a body. The code tells a negotiation request
 * (SSL, GSS encryption, cancel) from a real StartupMessage (protocol 3.x).
 */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
export const MAX_STARTUP_PACKET_BYTES = 10_000;

export type StartupPacket =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly processId: number; readonly secretKey: number }
  | { readonly kind: 'startup'; readonly parameters: ReadonlyMap<string, string>; readonly raw: Buffer }
  | { readonly kind: 'invalid'; readonly sqlState: string; readonly message: string };

export function parseStartupPacket(packet: Buffer): StartupPacket {
  const code = packet.readInt32BE(4);
  if (code === SSL_REQUEST_CODE && packet.length === 8) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE && packet.length === 8) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE && packet.length === 16) {
    return { kind: 'cancel', processId: packet.readInt32BE(8), secretKey: packet.readInt32BE(12) };
  }
  const major = code >>> 16;
  if (major !== 3) {
    return {
      kind: 'invalid',
      sqlState: '0A000',
      message: `unsupported frontend protocol ${major}.${code & 0xffff}: server supports 3.0 to 3.0`,
    };
  }
  const parameters = new Map<string, string>();
  let offset = 8;
  for (;;) {
    const keyEnd = packet.indexOf(0, offset);
    if (keyEnd < 0)
      return {
        kind: 'invalid',
        sqlState: '08P01',
        message: 'invalid startup packet layout: expected terminator as last byte',
      };
    if (keyEnd === offset) break;
    const valueEnd = packet.indexOf(0, keyEnd + 1);
    if (valueEnd < 0)
      return {
        kind: 'invalid',
        sqlState: '08P01',
        message: 'invalid startup packet layout: expected terminator as last byte',
      };
    parameters.set(packet.toString('utf8', offset, keyEnd), packet.toString('utf8', keyEnd + 1, valueEnd));
    offset = valueEnd + 1;
  }
  return { kind: 'startup', parameters, raw: packet };
}
