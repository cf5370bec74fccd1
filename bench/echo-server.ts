/**
 * The baseline: a bare Node `dgram` server, its socket made as the rendezvous socket is (the same
 * kernel buffers and address lookup), that answers each datagram with itself as many times as the
 * server answers its code: none for KA and CS (never answered), `--copies JS=2,RS=1.5` where the
 * server also tells a host (a fraction alternates). Extra copies start with "x", so a client tells
 * them from the answer. A datagram "?" is answered with the count of datagrams received (for
 * floods that are never answered).
 */
import { RENDEZVOUS_BUFFER_BYTES, udpSocket } from '../server/src/udp-socket.ts';

const copies = new Map<string, number>([['KA', 0], ['CS', 0]]);
const flag = process.argv.indexOf('--copies');
for (const pair of flag > 0 ? process.argv[flag + 1]!.split(',') : []) {
  const [code, n] = pair.split('=');
  copies.set(code!, Number(n));
}
const owed = new Map<string, number>();
let received = 0;

const socket = udpSocket('udp4', RENDEZVOUS_BUFFER_BYTES);
socket.on('message', (data, from) => {
  received++;
  if (data.length === 1 && data[0] === 0x3f) {
    socket.send(String(received), from.port, from.address);
    return;
  }
  const code = data.toString('latin1', 0, 2);
  const n = (copies.get(code) ?? 1) + (owed.get(code) ?? 0);
  const whole = Math.floor(n);
  if (whole !== n || owed.has(code)) owed.set(code, n - whole);
  if (whole === 0) return;
  socket.send(data, from.port, from.address);
  if (whole > 1) {
    const extra = Buffer.from(data);
    extra[0] = 0x78;
    for (let i = 1; i < whole; i++) socket.send(extra, from.port, from.address);
  }
});
socket.bind(0, '127.0.0.1', () => console.log(`echo listening on 127.0.0.1:${socket.address().port}`));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
