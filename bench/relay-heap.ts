/**
 * The heap one relay costs: the relay service alone, with sockets that send nothing, [pairs]
 * relays opened and both sides bound through its public paths, measured after GC. Null without
 * --expose-gc.
 */
import { DEFAULT_CONFIG } from '../server/src/config.ts';
import { decodeKey, encodeKey, type Endpoint, type Message } from '../server/src/generated/protocol.ts';
import { RelayService, type RelaySocket } from '../server/src/relay/relay-service.ts';
import { ServerStats } from '../server/src/stats.ts';

export async function relayHeapPerRelay(pairs: number): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  const handlers = new Map<number, (datagram: Buffer, from: Endpoint) => void>();
  const grants: Array<{ to: Endpoint; message: Message }> = [];
  const socket = (port: number): RelaySocket => ({ port, send: () => {}, onMessage: (h) => { handlers.set(port, h); }, close: () => {} });
  const relays = new RelayService({
    config: { ...DEFAULT_CONFIG, relayPorts: [1, 2, 3, 4], maxRelays: pairs, relaysPerSubnet: pairs },
    publicIp: '127.0.0.1', stats: new ServerStats(), now: () => 0, log: () => {},
    openSocket: async (port) => socket(port), send: (to, message) => grants.push({ to, message }),
    session: () => undefined, own: { addresses: new Set(), ports: new Set() },
  });
  await relays.start();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < pairs; i++) {
    const a = { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1000 };
    const b = { address: a.address, port: 2000 };
    grants.length = 0;
    relays.request(`session${i}`, encodeKey(a), encodeKey(b), a);
    relays.request(`session${i}`, encodeKey(b), encodeKey(a), b);
    for (const { to, message } of grants) {
      if (message.code === 'RG') handlers.get(decodeKey(message.relayKey)!.port)!(Buffer.from(`RB:${message.token}`), to);
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const ok = relays.active === pairs;
  relays.closeAll();
  return ok ? (after - before) / pairs : null;
}
