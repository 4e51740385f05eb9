/** `npm run serve`: parses flags and starts the server. */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isLoopbackHost } from './access';
import { JetStreamSource, jetStreamNames } from './broker/JetStreamSource';
import { createServer } from './createServer';
import { readDeclarationFlag } from './streams/declaration';

const HELP = `npm run serve -- [flags]
  --port 8787               port (or env PORT)
  --host 127.0.0.1          address to bind; beyond loopback a token is required
  --stream id=schema.json   declare a stream (repeatable); schema: {"fields":[{"name":…,"type":…}],"timeZone":"UTC"}
  --nats nats://host:4222   hold declared streams in NATS JetStream (the broker's sequence numbers are the offsets)
  --data-dir dir            keep streams on disk (without --nats) and their declarations
  --token T                 required to publish and declare (or env LAMBDA_WORKBENCH_TOKEN)
  --no-demo                 no synthetic shop stream
  --rate 300 --seed 42 --paused   the demo stream
  --max-events-per-second N --max-requests-per-second N --max-streams N   per-producer limits
  --allow-origin URL        an origin allowed to open sockets (repeatable; loopback origins by default)
  --dist dist --no-isolation
  --clickhouse URL[,URL…]   a ClickHouse cluster as the batch layer: each shard's HTTP address, in the cluster's
                            shard order (credentials from LAMBDA_WORKBENCH_CLICKHOUSE_USER / _PASSWORD)
  --clickhouse-cluster NAME the cluster's name in the shards' remote_servers (needed with --clickhouse)
  --clickhouse-streams a,b  only these streams' datasets on the cluster (default: every stream)
  --clickhouse-segment N    events per loaded segment (default 262144)`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    rate: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    dist: { type: 'string', default: 'dist' },
    paused: { type: 'boolean', default: false },
    'no-demo': { type: 'boolean', default: false },
    stream: { type: 'string', multiple: true },
    nats: { type: 'string' },
    token: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-isolation': { type: 'boolean', default: false },
    'allow-origin': { type: 'string', multiple: true },
    'max-events-per-second': { type: 'string' },
    'max-requests-per-second': { type: 'string' },
    'max-streams': { type: 'string' },
    clickhouse: { type: 'string' },
    'clickhouse-cluster': { type: 'string' },
    'clickhouse-streams': { type: 'string' },
    'clickhouse-segment': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const fail = (message: string): never => {
  console.error(`lambda-workbench: ${message}`);
  process.exit(1);
};
const count = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : fail(`--${flag} must be a whole number above 0, not ${v}`);
};

let token = values.token ?? process.env.LAMBDA_WORKBENCH_TOKEN;
if (!token && !isLoopbackHost(values.host)) {
  token = randomBytes(18).toString('base64url');
  console.log(`bound beyond loopback: producers need this token (Authorization: Bearer ${token}); set your own with --token or LAMBDA_WORKBENCH_TOKEN`);
}
const nats = values.nats;

try {
  const streams = (values.stream ?? []).map(readDeclarationFlag);
  const maxEvents = count('max-events-per-second', values['max-events-per-second']);
  const maxRequests = count('max-requests-per-second', values['max-requests-per-second']);
  const maxStreams = count('max-streams', values['max-streams']);
  const segment = count('clickhouse-segment', values['clickhouse-segment']);
  if (values.clickhouse && !values['clickhouse-cluster']) fail("--clickhouse needs --clickhouse-cluster <name>: the cluster in the shards' remote_servers");
  const user = process.env.LAMBDA_WORKBENCH_CLICKHOUSE_USER;
  const cluster = values.clickhouse
    ? {
        shards: values.clickhouse
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
        cluster: values['clickhouse-cluster'] ?? '',
        ...(segment ? { segment } : {}),
        ...(values['clickhouse-streams']
          ? {
              streams: values['clickhouse-streams']
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            }
          : {}),
        ...(user ? { user, password: process.env.LAMBDA_WORKBENCH_CLICKHOUSE_PASSWORD ?? '' } : {}),
      }
    : null;
  const server = await createServer({
    port: Number(values.port),
    host: values.host,
    rate: Number(values.rate),
    seed: Number(values.seed),
    staticDir: values.dist,
    paused: values.paused,
    demo: !values['no-demo'],
    streams,
    ...(nats ? { broker: (id: string) => new JetStreamSource({ servers: nats, ...jetStreamNames(id), log: (l) => console.log(l) }) } : {}),
    ...(token ? { token } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(maxEvents ? { maxEventsPerSecond: maxEvents } : {}),
    ...(maxRequests ? { maxRequestsPerSecond: maxRequests } : {}),
    ...(maxStreams ? { maxStreams } : {}),
    isolation: !values['no-isolation'],
    ...(values['allow-origin'] ? { allowedOrigins: values['allow-origin'] } : {}),
    ...(cluster ? { cluster } : {}),
    log: (line) => console.log(line),
  });
  const names = [...(values['no-demo'] ? [] : [`shop (demo, ${values.rate} events/s${values.paused ? ', paused' : ''})`]), ...streams.map((s) => s.id)];
  console.log(
    `lambda-workbench: open ${server.url}/  (streams: ${names.join(', ') || 'none yet; declare one with PUT /api/streams/<id>'}${nats ? `; declared streams held in NATS JetStream at ${nats}` : ''})`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
