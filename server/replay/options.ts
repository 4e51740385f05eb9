/** The command line of `npm run replay`, checked into ReplayOptions: a wrong flag is one sentence, not a stack. */
import { parseArgs } from 'node:util';
import { idProblem } from '../../src/protocol/ids';
import { canonicalTimeZone } from '../../src/protocol/eventTime';
import { FORMATS, type Format } from './readRows';
import type { ReplayOptions } from './replay';
import { reasonOf, ReplayError } from './ReplayError';

export const USAGE = `Replays a CSV, TSV, NDJSON or Parquet file into a stream, as if its events were arriving now.

usage: npm run replay -- <file> --stream <id> [options]

  --stream <id>        the stream to send to; declared from the file's columns if the server lacks it
  --rate <n>           events per second, whatever the event times (default 1000)
  --server <url>       the server (default http://127.0.0.1:8787)
  --token <t>          bearer token (default: env LAMBDA_WORKBENCH_TOKEN)
  --ts <column>        the event-time column (default: the first of ts, timestamp, time, datetime,
                       event_time, date; without one, events are stamped when sent)
  --shift              move event times so that the first event is now (gaps kept)
  --loop               start over at the end of the file (until Ctrl+C or --limit)
  --limit <n>          stop after n events
  --time-zone <zone>   the IANA zone of times written without an offset (default UTC)
  --format <f>         csv, tsv, ndjson or parquet (default: from the extension)
  --delimiter <c>      the CSV delimiter (default , and a tab for .tsv; "tab" or "\\t" for a tab)
  --no-quotes          the file never quotes values: a quote is text (as in many TSV files)`;

export const DEFAULT_SERVER = 'http://127.0.0.1:8787';

/** What `npm run replay -- <args>` asks for, or `help` for --help. */
export function parseOptions(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ReplayOptions | 'help' {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (e) {
    throw new ReplayError(
      `${reasonOf(e)
        .replace(/\s*\n\s*/g, ' ')
        .replace(/\.$/, '')} (see npm run replay -- --help)`,
    );
  }
  const { values: v, positionals } = parsed;
  if (v.help) return 'help';
  if (positionals.length !== 1)
    throw new ReplayError(positionals.length ? `give one file, not ${positionals.length} (${positionals.join(', ')})` : 'give the file to replay: npm run replay -- <file> --stream <id>');
  if (!v.stream) throw new ReplayError('give the stream to send to with --stream <id>');
  const idBad = idProblem(v.stream);
  if (idBad) throw new ReplayError(`--stream ${JSON.stringify(v.stream)}: ${idBad}`);
  const rate = Number(v.rate);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new ReplayError(`--rate must be a number of events per second above 0, got ${JSON.stringify(v.rate)}`);
  let limit: number | undefined;
  if (v.limit !== undefined) {
    limit = Number(v.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ReplayError(`--limit must be a whole number of events above 0, got ${JSON.stringify(v.limit)}`);
  }
  let server: URL;
  try {
    server = new URL(v.server);
  } catch {
    throw new ReplayError(`--server must be a URL like ${DEFAULT_SERVER}, got ${JSON.stringify(v.server)}`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new ReplayError(`--server must be an http or https URL, got ${JSON.stringify(v.server)}`);
  const zone = canonicalTimeZone(v['time-zone']);
  if (!zone) throw new ReplayError(`--time-zone ${JSON.stringify(v['time-zone'])} is not a time zone this machine knows (an IANA name such as UTC, Europe/Paris or America/New_York)`);
  let format: Format | undefined;
  if (v.format !== undefined) {
    const f = v.format.toLowerCase();
    format = f === 'jsonl' || f === 'json' ? 'ndjson' : (FORMATS.find((x) => x === f) ?? undefined);
    if (!format) throw new ReplayError(`--format must be csv, tsv, ndjson or parquet, got ${JSON.stringify(v.format)}`);
  }
  let delimiter: string | undefined;
  if (v.delimiter !== undefined) {
    delimiter = v.delimiter === '\\t' || v.delimiter.toLowerCase() === 'tab' ? '\t' : v.delimiter;
    if (delimiter === '' || /["\r\n]/.test(delimiter)) throw new ReplayError(`--delimiter must be a character other than a quote or a line break, got ${JSON.stringify(v.delimiter)}`);
  }
  const token = v.token ?? env.LAMBDA_WORKBENCH_TOKEN;
  return {
    file: positionals[0]!,
    stream: v.stream,
    rate,
    server: server.href.replace(/\/+$/, ''),
    ...(token ? { token } : {}),
    ...(v.ts !== undefined ? { ts: v.ts } : {}),
    shift: v.shift,
    loop: v.loop,
    ...(limit !== undefined ? { limit } : {}),
    timeZone: zone,
    ...(format ? { format } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(v['no-quotes'] ? { quotes: false } : {}),
  };
}

function parseCommandLine(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      stream: { type: 'string' },
      rate: { type: 'string', default: '1000' },
      server: { type: 'string', default: DEFAULT_SERVER },
      token: { type: 'string' },
      ts: { type: 'string' },
      shift: { type: 'boolean', default: false },
      loop: { type: 'boolean', default: false },
      limit: { type: 'string' },
      'time-zone': { type: 'string', default: 'UTC' },
      format: { type: 'string' },
      delimiter: { type: 'string' },
      'no-quotes': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
