import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * The cheapest WebSocket client that still speaks the protocol: a TCP socket,
 * the HTTP upgrade, and a frame parser that reads each frame's header and the
 * first `PREFIX` bytes of its payload and skips the rest without copying or
 * allocating. A load generator built on it can swallow hundreds of MB/s,
 * which a general client (one Buffer and one event per message) cannot on a
 * shared machine. Server frames are unmasked; ours are masked, as RFC 6455
 * requires of clients; pings are answered.
 */
export const PREFIX = 9;

export interface RawWsHandlers {
  /** A complete message: its length and its first min(length, PREFIX) bytes (valid only during the call). */
  message(length: number, prefix: Uint8Array): void;
  close(code: number | undefined, reason: string): void;
}

export class RawWs {
  private socket: Socket;
  private upgraded = false;
  private closed = false;
  private head = "";
  // Frame parser state.
  private header = new Uint8Array(14);
  private headerLen = 0;
  private headerNeed = 2;
  private payloadLeft = -1;
  private opcode = 0;
  private messageLen = 0;
  private prefix = new Uint8Array(PREFIX);
  private prefixLen = 0;
  private control: number[] = [];
  private readonly mask = randomBytes(4);

  constructor(
    url: string,
    private readonly handlers: RawWsHandlers,
    onOpen: () => void,
  ) {
    const u = new URL(url);
    this.socket = connect({ host: u.hostname, port: Number(u.port) }, () => {
      this.socket.setNoDelay(true);
      const key = randomBytes(16).toString("base64");
      this.socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on("data", (chunk: Buffer) => {
      if (!this.upgraded) {
        this.head += chunk.toString("latin1");
        const end = this.head.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101/.test(this.head)) {
          this.fail(undefined, this.head.split("\r\n")[0] ?? "upgrade refused");
          return;
        }
        this.upgraded = true;
        const rest = chunk.subarray(chunk.length - (this.head.length - end - 4));
        this.head = "";
        onOpen();
        if (rest.length) this.feed(rest);
        return;
      }
      this.feed(chunk);
    });
    this.socket.on("error", (err) => this.fail(undefined, err.message));
    this.socket.on("close", () => this.fail(1006, "socket closed"));
  }

  get isOpen(): boolean {
    return this.upgraded && !this.closed;
  }

  /** Sends one binary message (masked). */
  send(data: Uint8Array): void {
    this.writeFrame(0x2, data);
  }

  close(): void {
    if (this.closed) return;
    if (this.upgraded) this.writeFrame(0x8, Uint8Array.of(0x03, 0xe8));
    this.closed = true;
    this.socket.end();
  }

  terminate(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(code: number | undefined, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handlers.close(code, reason);
  }

  private writeFrame(opcode: number, data: Uint8Array): void {
    if (!this.upgraded || this.socket.destroyed) return;
    const len = data.length;
    const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const frame = Buffer.allocUnsafe(2 + ext + 4 + len);
    frame[0] = 0x80 | opcode;
    let o = 2;
    if (ext === 0) frame[1] = 0x80 | len;
    else if (ext === 2) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
      o = 4;
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(len), 2);
      o = 10;
    }
    const m = this.mask;
    frame[o] = m[0]!;
    frame[o + 1] = m[1]!;
    frame[o + 2] = m[2]!;
    frame[o + 3] = m[3]!;
    o += 4;
    for (let i = 0; i < len; i++) frame[o + i] = data[i]! ^ m[i & 3]!;
    this.socket.write(frame);
  }

  private feed(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.payloadLeft < 0) {
        // Collecting a frame header: 2 bytes, then the extended length (and a mask key, which servers never set).
        this.header[this.headerLen++] = chunk[i++]!;
        if (this.headerLen === 2) {
          const len7 = this.header[1]! & 0x7f;
          const masked = (this.header[1]! & 0x80) !== 0;
          this.headerNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
        }
        if (this.headerLen < this.headerNeed) continue;
        this.startFrame();
        if (this.payloadLeft === 0) this.endFrame();
        continue;
      }
      const take = Math.min(this.payloadLeft, n - i);
      if (this.opcode >= 0x8) {
        for (let k = 0; k < take; k++) this.control.push(chunk[i + k]!);
      } else if (this.prefixLen < PREFIX) {
        const copy = Math.min(take, PREFIX - this.prefixLen);
        for (let k = 0; k < copy; k++) this.prefix[this.prefixLen++] = chunk[i + k]!;
      }
      i += take;
      this.payloadLeft -= take;
      if (this.payloadLeft === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    const h = this.header;
    const op = h[0]! & 0x0f;
    const len7 = h[1]! & 0x7f;
    let len = len7;
    if (len7 === 126) len = (h[2]! << 8) | h[3]!;
    else if (len7 === 127) len = Number(Buffer.from(h.subarray(2, 10)).readBigUInt64BE());
    if (op >= 0x8) {
      this.control = [];
      this.opcode = op;
    } else if (op !== 0x0) {
      // First frame of a message (continuations keep the message's opcode and prefix).
      this.opcode = op;
      this.messageLen = 0;
      this.prefixLen = 0;
    }
    this.fin = (h[0]! & 0x80) !== 0;
    this.messageLen += op >= 0x8 ? 0 : len;
    this.payloadLeft = len;
    this.headerLen = 0;
    this.headerNeed = 2;
  }

  private fin = true;

  private endFrame(): void {
    this.payloadLeft = -1;
    if (this.opcode === 0x9) {
      this.writeFrame(0xa, Uint8Array.from(this.control));
      this.opcode = 0x2;
      return;
    }
    if (this.opcode === 0xa) {
      this.opcode = 0x2;
      return;
    }
    if (this.opcode === 0x8) {
      const code = this.control.length >= 2 ? (this.control[0]! << 8) | this.control[1]! : undefined;
      const reason = Buffer.from(this.control.slice(2)).toString("utf8");
      if (!this.closed) {
        this.writeFrame(0x8, Uint8Array.from(this.control.slice(0, 2)));
        this.fail(code, reason);
      }
      return;
    }
    if (this.fin) this.handlers.message(this.messageLen, this.prefix.subarray(0, this.prefixLen));
  }
}
