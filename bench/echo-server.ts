/** The baseline: a bare Node `dgram` server that answers every datagram with itself. */
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
socket.on('message', (data, from) => socket.send(data, from.port, from.address));
socket.bind(0, '127.0.0.1', () => console.log(`echo listening on 127.0.0.1:${socket.address().port}`));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
