/**
 * A two-shard ClickHouse cluster on loopback for trying the cluster batch layer (issue 14): two
 * `clickhouse-server` processes, each with its own data folder under a temp folder, both knowing
 * cluster `lw`. It prints the flags to give `npm run serve`; Ctrl-C stops both and removes their data.
 * The same harness the tests use; for production, run a current, maintained ClickHouse with a
 * password and TLS.
 */
import { startClickHouseCluster } from '../src/testing/clickhouseServer';

const shards = Number(process.argv[2] ?? 2);
if (!Number.isSafeInteger(shards) || shards < 1 || shards > 8) {
  console.error('usage: npm run clickhouse:cluster [-- <shards, 1..8>]');
  process.exit(2);
}
const cluster = await startClickHouseCluster(shards);
if (!cluster) {
  console.error('clickhouse-server is not installed (Debian: apt-get install clickhouse-server)');
  process.exit(1);
}
console.log(`ClickHouse cluster ${cluster.name}: ${shards} shards on loopback. Start the server with:\n`);
console.log(`  npm run serve -- --clickhouse ${cluster.nodes.map((n) => n.url).join(',')} --clickhouse-cluster ${cluster.name}\n`);
console.log('Ctrl-C stops the shards and removes their data.');
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
