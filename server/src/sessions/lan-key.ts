/**
 * The rule for claimed LAN keys (HS, JS, RS): a peer will ping whatever LAN address it is told,
 * 20 times a second, so the server passes one on only when it can be a LAN address of the
 * sender (private, link-local or shared CGNAT space) or is the sender's own public address.
 * Anything else becomes the key of 0.0.0.0 port 0, which peers read as "no LAN path".
 */
import { isLanAddress } from '../addresses.ts';
import { decodeKey, encodeKey, type Endpoint } from '../generated/protocol.ts';

export const NO_LAN_KEY = encodeKey({ address: '0.0.0.0', port: 0 });

export function passableLanKey(claimed: string, from: Endpoint): string {
  const lan = decodeKey(claimed);
  if (!lan || lan.port === 0) return NO_LAN_KEY;
  return isLanAddress(lan.address) || lan.address === from.address ? claimed : NO_LAN_KEY;
}
