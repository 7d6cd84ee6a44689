import { PassThrough } from 'node:stream';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { PacketReader, ProtocolViolation } from './packet-reader';

describe('PacketReader', () => {
  it('reassembles a packet split across chunks and keeps what follows for later', async () => {
    const stream = new PassThrough();
    const reader = new PacketReader(stream);
    const startup = serialize.startup({ user: 'kong_iam', database: 'kong' });
    const password = serialize.password('token');
    const whole = Buffer.concat([startup, password, Buffer.from('Q')]);
    const first = reader.readStartupPacket();
    stream.write(whole.subarray(0, 3));
    stream.write(whole.subarray(3, 20));
    stream.write(whole.subarray(20));
    expect(await first).toEqual(startup);
    expect(await reader.readMessage(1000)).toEqual(password);
    expect(reader.detach()).toEqual(Buffer.from('Q'));
  });

  it('rejects a startup length PostgreSQL would refuse', async () => {
    const stream = new PassThrough();
    const reader = new PacketReader(stream);
    const read = reader.readStartupPacket();
    stream.write(Buffer.from([0, 1, 0, 0, 0, 3, 0, 0]));
    await expect(read).rejects.toBeInstanceOf(ProtocolViolation);
  });

  it('rejects a message longer than allowed before buffering it', async () => {
    const stream = new PassThrough();
    const reader = new PacketReader(stream);
    const read = reader.readMessage(100);
    stream.write(serialize.password('x'.repeat(200)).subarray(0, 5));
    await expect(read).rejects.toThrow(/invalid message length/);
  });

  it('fails a pending read when the peer goes away', async () => {
    const stream = new PassThrough();
    const reader = new PacketReader(stream);
    const read = reader.readStartupPacket();
    stream.end(Buffer.from([0, 0]));
    await expect(read).rejects.toThrow(/closed/);
  });
});
