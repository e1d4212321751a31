import { Protocol } from "@colyseus/core";

/** The protocol code lives in the low 5 bits of a frame's first byte (PROTOCOL_CODE_MASK in @colyseus/shared-types). */
const PROTOCOL_CODE_MASK = 0x1f;

export interface Traffic {
  /** Every frame to the client. */
  sent(bytes: number): void;
  /** State patch frames only. */
  patch(bytes: number): void;
}

/**
 * Counts what the server sends one client by wrapping its `raw` send, which
 * every frame (patches, messages, handshakes) goes through. Per connection,
 * so interest filtering shows up as fewer bytes.
 */
export function meterClient(
  client: { raw: (data: Uint8Array, ...rest: never[]) => unknown },
  traffic: Traffic,
): void {
  const raw = client.raw.bind(client);
  client.raw = (data: Uint8Array, ...rest: never[]) => {
    traffic.sent(data.byteLength);
    if (((data[0] ?? 0) & PROTOCOL_CODE_MASK) === Protocol.ROOM_STATE_PATCH) traffic.patch(data.byteLength);
    return raw(data, ...rest);
  };
}
