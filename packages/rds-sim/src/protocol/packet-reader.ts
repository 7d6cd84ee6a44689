import type { Duplex } from 'node:stream';
import { MAX_STARTUP_PACKET_BYTES } from './startup-packet';

/** Raised for bytes that cannot be PostgreSQL protocol; the caller answers 08P01 and closes. */
export class ProtocolViolation extends Error {
  override readonly name = 'ProtocolViolation';
}

type Framer = (buffered: Buffer) => number | undefined;

/**
 * Reads whole packets from a socket during the startup phase, one at a time.
 * `detach()` hands the socket back (paused) with any bytes read ahead, so the
 * session can switch to piping without losing data.
 */
export class PacketReader {
  #buffered: Buffer = Buffer.alloc(0);
  #pending: { framer: Framer; resolve: (packet: Buffer) => void; reject: (error: Error) => void } | undefined;
  #closedError: Error | undefined;

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.#onData);
    stream.on('end', this.#onClose);
    stream.on('close', this.#onClose);
    stream.on('error', this.#onError);
  }

  /** Length-prefixed packet without a type byte (StartupMessage, SSLRequest, CancelRequest…). */
  readStartupPacket(): Promise<Buffer> {
    return this.#read((buffered) => {
      if (buffered.length < 4) return undefined;
      const length = buffered.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_PACKET_BYTES)
        throw new ProtocolViolation('invalid length of startup packet');
      return length;
    });
  }

  /** Typed message: one byte type, Int32 length (counting itself), body. Returns the raw bytes. */
  readMessage(maxLength: number): Promise<Buffer> {
    return this.#read((buffered) => {
      if (buffered.length < 5) return undefined;
      const length = buffered.readInt32BE(1);
      if (length < 4 || length > maxLength) throw new ProtocolViolation(`invalid message length ${length}`);
      return length + 1;
    });
  }

  /** Stops reading; the stream is left paused. Returns the bytes read ahead. */
  detach(): Buffer {
    this.stream.pause();
    this.stream.off('data', this.#onData);
    this.stream.off('end', this.#onClose);
    this.stream.off('close', this.#onClose);
    this.stream.off('error', this.#onError);
    const rest = this.#buffered;
    this.#buffered = Buffer.alloc(0);
    return rest;
  }

  #read(framer: Framer): Promise<Buffer> {
    if (this.#pending) return Promise.reject(new Error('PacketReader: one read at a time'));
    return new Promise((resolve, reject) => {
      this.#pending = { framer, resolve, reject };
      this.#settle();
    });
  }

  #settle(): void {
    const pending = this.#pending;
    if (!pending) return;
    let size: number | undefined;
    try {
      size = pending.framer(this.#buffered);
    } catch (error) {
      this.#pending = undefined;
      pending.reject(error as Error);
      return;
    }
    if (size !== undefined && this.#buffered.length >= size) {
      this.#pending = undefined;
      const packet = this.#buffered.subarray(0, size);
      this.#buffered = this.#buffered.subarray(size);
      pending.resolve(Buffer.from(packet));
    } else if (this.#closedError) {
      this.#pending = undefined;
      pending.reject(this.#closedError);
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    this.#settle();
  };

  readonly #onClose = (): void => {
    this.#closedError ??= new Error('connection closed during startup');
    this.#settle();
  };

  readonly #onError = (error: Error): void => {
    this.#closedError ??= error;
    this.#settle();
  };
}
