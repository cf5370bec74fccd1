// Small UDP checks run inside a lab namespace (plain Node, no build): prints one JSON line.
//   probe SERVER_IP PORT: NAT diagnosis from one socket, NP to the server's port and then to the
//     probe port its NA names; prints both source keys the server saw.
//   peer LOCAL_PORT REMOTE_IP REMOTE_PORT DELAY_MS COUNT: over IPv6, after DELAY_MS sends datagram
//     i every 100 ms (i = 0..COUNT-1) to the remote, listens 0.6 s more; prints the numbers it
//     received and when, as {"got": [{"n", "ms"}]}. With COUNT 0 it only listens, for DELAY_MS.
//     Prints "ready" once bound.
//   hard EASY_IP EASY_PORT SOCKETS SPREAD_MS: birthday probing, hard side: opens SOCKETS sockets
//     over a quarter of SPREAD_MS, each sending once to the easy side; prints {"won": port, "ms"}
//     when a datagram from the easy side reaches one (and answers from it), or {"won": null}.
//   easy LOCAL_PORT HARD_IP PROBES SPREAD_MS: birthday probing, easy side: from one socket, PROBES
//     datagrams to random ports 1024-65535 of HARD_IP spread over SPREAD_MS; prints
//     {"heard": port, "ms"} when the hard side is heard (and answers it), or {"heard": null}.
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function hard(easyIp, easyPort, count, spreadMs) {
  const start = Date.now();
  const sockets = [];
  let won = null;
  for (let i = 0; i < Number(count) && won === null; i++) {
    const socket = dgram.createSocket('udp4');
    await new Promise((done) => socket.bind(0, done));
    socket.on('message', (data, from) => {
      if (won !== null || from.address !== easyIp || from.port !== Number(easyPort)) return;
      won = { won: socket.address().port, ms: Date.now() - start };
      socket.send('w', from.port, from.address);
    });
    socket.send('h', Number(easyPort), easyIp);
    sockets.push(socket);
    if (i % 16 === 15) await sleep(Number(spreadMs) / 4 / (Number(count) / 16));
  }
  while (won === null && Date.now() - start < Number(spreadMs) + 1000) await sleep(10);
  await sleep(100); // the answer leaves before the socket closes
  for (const s of sockets) s.close();
  return won ?? { won: null };
}

async function easy(localPort, hardIp, count, spreadMs) {
  const socket = dgram.createSocket('udp4');
  await new Promise((done) => socket.bind(Number(localPort), done));
  const start = Date.now();
  let heard = null;
  socket.on('message', (_data, from) => {
    if (heard !== null || from.address !== hardIp) return;
    // A mapping that an earlier probe opened on our side: answer it, as a node answers a punch.
    heard = { heard: from.port, ms: Date.now() - start };
    socket.send('e', from.port, from.address);
  });
  const batches = 50;
  for (let b = 0; b < batches && heard === null; b++) {
    for (let i = 0; i < Number(count) / batches; i++) socket.send('e', 1024 + Math.floor(Math.random() * 64512), hardIp);
    await sleep(Number(spreadMs) / batches);
  }
  while (heard === null && Date.now() - start < Number(spreadMs) + 1000) await sleep(10);
  await sleep(100); // the answer leaves before the socket closes
  socket.close();
  return heard ?? { heard: null };
}

const [mode, ...args] = process.argv.slice(2);
const modes = { probe, peer, hard, easy };
const result = await modes[mode](...args);
console.log(JSON.stringify(result));
