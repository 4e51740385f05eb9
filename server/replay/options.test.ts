import { describe, expect, it } from 'vitest';
import { parseOptions } from './options';

describe('parseOptions', () => {
  it('has defaults for everything but the file and the stream', () => {
    expect(parseOptions(['flights.csv', '--stream', 'flights'])).toEqual({
      file: 'flights.csv',
      stream: 'flights',
      rate: 1000,
      server: 'http://127.0.0.1:8787',
      shift: false,
      loop: false,
      timeZone: 'UTC',
    });
  });

  it('reads every flag, the token from the environment when not given', () => {
    const args = [
      'w.tsv',
      '--stream=weather',
      '--rate',
      '2.5',
      '--server',
      'https://example.test:9000/',
      '--ts',
      'When',
      '--shift',
      '--loop',
      '--limit',
      '100',
      '--time-zone',
      'Europe/Paris',
      '--format',
      'csv',
      '--delimiter',
      'tab',
    ];
    expect(parseOptions(args, { LAMBDA_WORKBENCH_TOKEN: 'env-token' })).toEqual({
      file: 'w.tsv',
      stream: 'weather',
      rate: 2.5,
      server: 'https://example.test:9000',
      token: 'env-token',
      ts: 'When',
      shift: true,
      loop: true,
      limit: 100,
      timeZone: 'Europe/Paris',
      format: 'csv',
      delimiter: '\t',
    });
    expect(parseOptions(['a.csv', '--stream', 's', '--token', 'flag'], { LAMBDA_WORKBENCH_TOKEN: 'env' })).toMatchObject({ token: 'flag' });
    expect(parseOptions(['a.csv', '--stream', 's', '--delimiter', '\\t'])).toMatchObject({ delimiter: '\t' });
    expect(parseOptions(['a.tsv', '--stream', 's', '--no-quotes'])).toMatchObject({ quotes: false });
    expect(parseOptions(['a.tsv', '--stream', 's'])).not.toHaveProperty('quotes');
    expect(parseOptions(['a.data', '--stream', 's', '--format', 'jsonl'])).toMatchObject({ format: 'ndjson' });
    expect(parseOptions(['--help'])).toBe('help');
  });

  it.each([
    [[], 'give the file to replay: npm run replay -- <file> --stream <id>'],
    [['a.csv', 'b.csv', '--stream', 's'], 'give one file, not 2 (a.csv, b.csv)'],
    [['a.csv'], 'give the stream to send to with --stream <id>'],
    [['a.csv', '--stream=-x'], '--stream "-x": an id is 1 to 100 letters, digits, "_", "." or "-", not starting with "." or "-"'],
    [['a.csv', '--stream', 's', '--rate', '0'], '--rate must be a number of events per second above 0, got "0"'],
    [['a.csv', '--stream', 's', '--rate', 'fast'], '--rate must be a number of events per second above 0, got "fast"'],
    [['a.csv', '--stream', 's', '--limit', '1.5'], '--limit must be a whole number of events above 0, got "1.5"'],
    [['a.csv', '--stream', 's', '--server', 'localhost:8787'], '--server must be an http or https URL, got "localhost:8787"'],
    [['a.csv', '--stream', 's', '--server', 'nope'], '--server must be a URL like http://127.0.0.1:8787, got "nope"'],
    [['a.csv', '--stream', 's', '--time-zone', 'Mars/Base'], '--time-zone "Mars/Base" is not a time zone this machine knows (an IANA name such as UTC, Europe/Paris or America/New_York)'],
    [['a.csv', '--stream', 's', '--format', 'xlsx'], '--format must be csv, tsv, ndjson or parquet, got "xlsx"'],
    [['a.csv', '--stream', 's', '--delimiter', '"'], '--delimiter must be a character other than a quote or a line break, got "\\""'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseOptions(args)).toThrow(message);
  });

  it('turns parseArgs errors into a sentence pointing at --help', () => {
    expect(() => parseOptions(['a.csv', '--stream', 's', '--speed', '3'])).toThrow(/^Unknown option '--speed'.* \(see npm run replay -- --help\)$/);
  });
});
