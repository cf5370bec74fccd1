// Small UDP checks run inside a lab namespace (plain Node, no build): prints one JSON line.
//   probe SERVER_IP PORT: NAT diagnosis from one socket, NP to the server's port and then to the
//     probe port its NA names; prints both source keys the server saw.
//   peer LOCAL_PORT REMOTE_IP REMOTE_PORT DELAY_MS COUNT: over IPv6, after DELAY_MS sends datagram
//     i every 100 ms (i = 0..COUNT-1) to the remote, listens 0.6 s more; prints the numbers it
//     received and when, as {"got": [{"n", "ms"}]}. With COUNT 0 it only listens, for DELAY_MS.
//     Prints "ready" once bound.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';

const BIGRAMS = JSON.parse(readFileSync(new URL('../../schema/bigrams.json', import.meta.url), 'utf8'));
const NONE = 'cycycycycycy';
const nonce = () => Array.from({ length: 8 }, () => BIGRAMS[Math.floor(Math.random() * 256)]).join('');

function decodeKey(key) {
  const bytes = key.match(/../g).map((b) => BIGRAMS.indexOf(b));
  return { address: bytes.slice(0, 4).join('.'), port: bytes[4] * 256 + bytes[5] };
}

function ask(socket, address, port, text, ms = 2000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from ${address}:${port}`)), ms);
    const resend = setInterval(() => socket.send(text, port, address), 200);
    socket.once('message', (data) => {
      clearTimeout(timer);
      clearInterval(resend);
      resolve(data.toString('latin1').split(':'));
    });
    socket.send(text, port, address);
  });
}

async function probe(serverIp, port) {
  const socket = dgram.createSocket('udp4');
  await new Promise((done) => socket.bind(0, done));
  const [, first, probeKey] = await ask(socket, serverIp, Number(port), `NP:${NONE}:${NONE}:${nonce()}`);
  const second = probeKey === NONE ? null : (await ask(socket, serverIp, decodeKey(probeKey).port, `NP:${NONE}:${probeKey}:${nonce()}`))[1];
  socket.close();
  return { first: decodeKey(first), second: second && decodeKey(second) };
}

async function peer(localPort, remoteIp, remotePort, delayMs, count) {
  const socket = dgram.createSocket({ type: 'udp6' });
  await new Promise((done) => socket.bind(Number(localPort), '::', done));
  console.log('ready');
  const start = Date.now();
  const got = [];
  socket.on('message', (data) => got.push({ n: Number(data.toString()), ms: Date.now() - start }));
  await new Promise((r) => setTimeout(r, Number(delayMs)));
  for (let i = 0; i < Number(count); i++) {
    socket.send(String(i), Number(remotePort), remoteIp);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (Number(count) > 0) await new Promise((r) => setTimeout(r, 600));
  socket.close();
  return { got };
}

const [mode, ...args] = process.argv.slice(2);
const result = mode === 'probe' ? await probe(...args) : await peer(...args);
console.log(JSON.stringify(result));
