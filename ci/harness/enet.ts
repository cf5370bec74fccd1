/** ENet's wire, as far as tests that play a hostile ENet client need it. */

/**
 * An ENet connect request as a client sends it, asking for the new connection [connectId]: one
 * datagram, and a server that reads it gives it a slot until the handshake ends or times out.
 */
export function enetConnectRequest(connectId: number): Buffer {
  const out = Buffer.alloc(52);
  out.writeUInt16BE(0x8fff, 0); // To no peer yet, with the sent time.
  out.writeUInt8(0x82, 4); // CONNECT, to be acknowledged.
  out.writeUInt8(0xff, 5);
  out.writeUInt16BE(1, 6);
  out.writeUInt8(0xff, 10); // Session ids left to the server.
  out.writeUInt8(0xff, 11);
  // mtu, window, channels, bandwidths, throttle, connection id, data
  [1392, 32768, 2, 0, 0, 5000, 2, 2, connectId, 0].forEach((field, i) => out.writeUInt32BE(field, 12 + 4 * i));
  return out;
}
