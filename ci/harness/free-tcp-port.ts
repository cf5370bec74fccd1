/** A TCP port on loopback that nothing listens on now (the kernel's pick; free until someone takes it). */
import { createServer } from 'node:net';

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
