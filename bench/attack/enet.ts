/**
 * ENet's connect request as a client's ENet sends it (ENet 1.3, as in Godot's thirdparty/enet
 * protocol.h): a protocol header (peer id 0xFFF with the sent-time flag, the sent time), then one
 * CONNECT command that asks for an acknowledgement. A host's ENet takes one of its peer slots for
 * every connect with a new connect id, and answers it with VERIFY_CONNECT.
 */
import { randomInt } from 'node:crypto';

const HEADER_FLAG_SENT_TIME = 1 << 15;
const MAXIMUM_PEER_ID = 0xfff;
const COMMAND_CONNECT = 2;
const COMMAND_VERIFY_CONNECT = 3;
const COMMAND_FLAG_ACKNOWLEDGE = 1 << 7;

/** A CONNECT datagram (52 bytes) with connect id [connectId]. */
export function enetConnect(connectId = randomInt(2 ** 32)): Buffer {
  const b = Buffer.alloc(52);
  b.writeUInt16BE(MAXIMUM_PEER_ID | HEADER_FLAG_SENT_TIME, 0);
  b.writeUInt16BE(Date.now() & 0xffff, 2); // sent time
  b.writeUInt8(COMMAND_CONNECT | COMMAND_FLAG_ACKNOWLEDGE, 4);
  b.writeUInt8(0xff, 5); // channel id
  b.writeUInt16BE(1, 6); // reliable sequence number
  b.writeUInt16BE(randomInt(MAXIMUM_PEER_ID), 8); // outgoing peer id
  b.writeUInt8(0xff, 10); // incoming session id
  b.writeUInt8(0xff, 11); // outgoing session id
  const u32 = [1392, 65536, 3, 0, 0, 5000, 2, 2, connectId, 0]; // mtu, window, channels, bandwidths, throttle, connect id, data
  u32.forEach((v, i) => b.writeUInt32BE(v >>> 0, 12 + 4 * i));
  return b;
}

/** Whether [data] carries a VERIFY_CONNECT (a host's answer to a connect). */
export function isVerifyConnect(data: Buffer): boolean {
  // With the sent-time flag the first command follows a 4-byte header, else a 2-byte one.
  const at = data.length >= 2 && (data.readUInt16BE(0) & HEADER_FLAG_SENT_TIME) !== 0 ? 4 : 2;
  return data.length > at && (data[at]! & 0x0f) === COMMAND_VERIFY_CONNECT;
}
