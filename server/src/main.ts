/** The server's command line: read the config, start listening, print the server key, stop cleanly. */
import { ConfigError, helpText, readConfig } from './config.ts';
import { RendezvousServer } from './rendezvous-server.ts';

async function main(): Promise<number> {
  let result;
  try {
    result = readConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`simple-hole-punch: ${error.message} (see --help)`);
    return 2;
  }
  if (result.help) {
    console.log(helpText());
    return 0;
  }
  const { config } = result;
  const server = new RendezvousServer({
    config,
    log: (event, fields) => console.log(`${new Date().toISOString()} ${event} ${JSON.stringify(fields)}`),
  });
  try {
    const bound = await server.listen();
    if (config.publicIpGuessed) {
      console.log(`warning: no --public-ip given; session codes embed ${config.publicIp}. Pass --public-ip when players reach this server at another address.`);
    }
    console.log(`simple-hole-punch listening on ${bound.address}:${bound.port}, public ${config.publicIp}:${config.publicPort || bound.port}, server key: ${server.serverKey}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`simple-hole-punch: port ${config.port} on ${config.bind} is already in use (EADDRINUSE)`);
    else console.error(`simple-hole-punch: cannot listen on ${config.bind}:${config.port}: ${(error as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
  console.log(`simple-hole-punch stopped: ${server.stats.summary()}`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
