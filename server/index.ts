/** `npm run serve`: parses flags and starts the server. */
import { parseArgs } from 'node:util';
import { createServer } from './createServer';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    rate: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    dist: { type: 'string', default: 'dist' },
    paused: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'no-isolation': { type: 'boolean', default: false },
    'allow-origin': { type: 'string', multiple: true },
  },
});

const server = await createServer({
  port: Number(values.port),
  host: values.host,
  rate: Number(values.rate),
  seed: Number(values.seed),
  staticDir: values.dist,
  paused: values.paused,
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  isolation: !values['no-isolation'],
  ...(values['allow-origin'] ? { allowedOrigins: values['allow-origin'] } : {}),
  log: (line) => console.log(line),
});
console.log(`lambda-workbench: open ${server.url}/  (stream ${values.rate} events/s${values.paused ? ', paused' : ''})`);

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
