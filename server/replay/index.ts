/**
 * `npm run replay -- <file> --stream <id>`: plays a data file into a stream as if its events were
 * arriving now (see options.ts for the flags). Any failure ends with one sentence and exit code 1;
 * the first Ctrl+C lets the batch in flight finish, a second quits at once.
 */
import { parseOptions, USAGE } from './options';
import { Replay } from './replay';
import { reasonOf, ReplayError } from './ReplayError';

function fail(e: unknown, run?: Replay): never {
  const message = e instanceof ReplayError ? e.message : `unexpected failure (a bug in the replay tool, please report it): ${reasonOf(e)}`;
  console.error(`replay: ${message}`);
  if (run && run.sent > 0) console.error(run.summary().replace(/^Sent/, 'Before that, sent'));
  process.exit(1);
}

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (e) {
  fail(e);
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}

const stop = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  console.log('stopping after the batch in flight (Ctrl+C again to quit now)');
  stop.abort();
});

const run = new Replay(options, { log: (line) => console.log(line), signal: stop.signal });
// parquet-wasm can panic inside a promise callback on a damaged page: the error escapes every await.
const crashed = (e: unknown) => fail(new ReplayError(`${options.file} could not be read (${reasonOf(e)})`), run);
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);
try {
  await run.run();
} catch (e) {
  fail(e, run);
}
console.log(run.summary());
// Keep-alive sockets to the server would hold the process open for seconds more.
process.exit(0);
