import { describe, expect, it } from 'vitest';
import { schemaProblem } from './schema';
import { parseClientMessage, parseServerMessage, PROTOCOL_VERSION } from './stream';

const schema = { fields: [{ name: 'a', type: 'float' }] };

describe('parseServerMessage', () => {
  it('accepts the messages the server sends', () => {
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: [{ id: 's', schema, nextOffset: 3, bufferedFrom: 0 }] };
    expect(parseServerMessage(JSON.stringify(hello))).toEqual(hello);
    expect(parseServerMessage('{"type":"events","stream":"s","offset":0,"batch":{}}').type).toBe('events');
    expect(parseServerMessage('{"type":"gap","stream":"s","requested":0,"resumeAt":5}').type).toBe('gap');
    expect(parseServerMessage('{"type":"error","code":"unknown-stream","message":"no"}').type).toBe('error');
    expect(parseServerMessage('{"type":"pong","t":5}')).toEqual({ type: 'pong', t: 5 });
  });

  it('passes the events batch on untouched, for the hot path to judge', () => {
    const text = '{"type":"events","stream":"s","offset":7,"batch":{"count":1,"ts":[1],"columns":{"__proto__":[1]}}}';
    const m = parseServerMessage(text);
    expect(m.type === 'events' && Object.keys((m.batch as { columns: object }).columns)).toEqual(['__proto__']);
  });

  it('drops keys a message does not have', () => {
    expect(parseServerMessage('{"type":"pong","t":1,"extra":{"big":[1,2,3]}}')).toEqual({ type: 'pong', t: 1 });
  });

  it.each([
    ['not json {', 'message is not JSON'],
    ['[1,2]', 'message has no type'],
    ['null', 'message has no type'],
    ['{"type":7}', 'message has no type'],
    ['{"type":"surprise"}', 'unknown message type "surprise"'],
    ['{"type":"constructor"}', 'unknown message type "constructor"'],
    ['{"type":"__proto__"}', 'unknown message type "__proto__"'],
    ['{"type":"toString"}', 'unknown message type "toString"'],
    ['{"type":"hello","protocolVersion":1,"streams":[null]}', 'bad hello: streams[0]: must be an object, got null'],
    ['{"type":"hello","protocolVersion":1,"streams":[{"id":"s"}]}', 'bad hello: streams[0].schema: missing'],
    ['{"type":"hello","protocolVersion":1,"streams":{}}', 'bad hello: streams: must be a list, got {}'],
    ['{"type":"hello","protocolVersion":"2","streams":[]}', 'bad hello: protocolVersion: must be a number, got "2"'],
    ['{"type":"hello","protocolVersion":2,"streams":[{"id":"s","schema":[],"nextOffset":0,"bufferedFrom":0}]}', 'bad hello: streams[0].schema: must be an object, got []'],
    ['{"type":"hello","protocolVersion":2,"streams":[{"id":"s","schema":{},"nextOffset":0,"bufferedFrom":1.5}]}', 'bad hello: streams[0].bufferedFrom: must be a non-negative integer, got 1.5'],
    ['{"type":"events","stream":"s","offset":-1}', 'bad events: offset: must be a non-negative integer, got -1'],
    ['{"type":"events","stream":"s","offset":1e300,"batch":{}}', 'bad events: offset: must be a non-negative integer, got 1e+300'],
    ['{"type":"events","offset":0,"batch":{}}', 'bad events: stream: missing'],
    ['{"type":"events","stream":"s","offset":0}', 'bad events: batch: missing'],
    ['{"type":"gap","stream":"s","requested":"x","resumeAt":5}', 'bad gap: requested: must be a non-negative integer, got "x"'],
    ['{"type":"error"}', 'bad error: code: missing'],
    ['{"type":"error","code":"bad-message"}', 'bad error: message: missing'],
    ['{"type":"error","code":"teapot","message":"x"}', 'bad error: code: unknown error code "teapot"'],
    ['{"type":"pong"}', 'bad pong: t: missing'],
  ])('refuses %s', (text, error) => {
    expect(parseServerMessage(text)).toEqual({ type: 'invalid', error });
  });

  it('never throws, whatever the text', () => {
    const texts = [
      '',
      '"x"',
      '1',
      'true',
      '{"type":"hello","streams":[{"id":{"toString":1}}]}',
      `{"type":"events","stream":"${'x'.repeat(10_000)}"}`,
      '{"type":"hello","protocolVersion":2,"streams":[[]]}',
    ];
    for (const t of texts) expect(() => parseServerMessage(t)).not.toThrow();
  });
});

describe('parseClientMessage', () => {
  it('accepts the messages the client sends', () => {
    const sub = { type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: 0 };
    expect(parseClientMessage(JSON.stringify(sub))).toEqual(sub);
    expect(parseClientMessage('{"type":"ack","stream":"shop","offset":12}')).toEqual({ type: 'ack', stream: 'shop', offset: 12 });
    expect(parseClientMessage('{"type":"ping","t":1700000000000}')).toEqual({ type: 'ping', t: 1700000000000 });
  });

  it('refuses another protocol version before judging the shape', () => {
    expect(parseClientMessage('{"type":"subscribe","protocolVersion":99,"fromOffset":"later"}')).toEqual({
      type: 'invalid',
      code: 'protocol-version',
      error: `server speaks protocol ${PROTOCOL_VERSION}, not 99`,
    });
    expect(parseClientMessage('{"type":"subscribe","stream":"shop","fromOffset":0}')).toMatchObject({ code: 'protocol-version', error: /not undefined/ });
  });

  it.each([
    ['not json', 'messages must be JSON objects with a type'],
    ['[{"type":"ping","t":1}]', 'messages must be JSON objects with a type'],
    ['{"t":1}', 'messages must be JSON objects with a type'],
    ['{"type":"nope"}', 'unknown message type "nope"'],
    ['{"type":"__proto__"}', 'unknown message type "__proto__"'],
    ['{"type":"hasOwnProperty"}', 'unknown message type "hasOwnProperty"'],
    [`{"type":"subscribe","protocolVersion":${PROTOCOL_VERSION},"stream":"shop","fromOffset":-1}`, 'bad subscribe: fromOffset: must be a non-negative integer, got -1'],
    [`{"type":"subscribe","protocolVersion":${PROTOCOL_VERSION},"stream":"shop","fromOffset":"0"}`, 'bad subscribe: fromOffset: must be a non-negative integer, got "0"'],
    [`{"type":"subscribe","protocolVersion":${PROTOCOL_VERSION},"stream":{"toString":"x"},"fromOffset":0}`, 'bad subscribe: stream: must be text, got {"toString":"x"}'],
    ['{"type":"ack","stream":"shop","offset":2.5}', 'bad ack: offset: must be a non-negative integer, got 2.5'],
    ['{"type":"ack","offset":2}', 'bad ack: stream: missing'],
    ['{"type":"ping","t":"now"}', 'bad ping: t: must be a number, got "now"'],
  ])('refuses %s', (text, error) => {
    expect(parseClientMessage(text)).toEqual({ type: 'invalid', code: 'bad-message', error });
  });
});

describe('schemaProblem', () => {
  it('names what is wrong with a schema from outside, never throwing', () => {
    expect(schemaProblem(schema as never)).toBeNull();
    expect(schemaProblem(undefined as never)).toMatch(/at least one field/);
    expect(schemaProblem({ fields: [] } as never)).toMatch(/at least one field/);
    expect(schemaProblem({ fields: [null] } as never)).toMatch(/non-empty text/);
    expect(schemaProblem({ fields: [{ name: '', type: 'float' }] } as never)).toMatch(/non-empty text/);
    expect(schemaProblem({ fields: [{ name: 'a', type: 'number' }] } as never)).toMatch(/unknown type "number"/);
    expect(schemaProblem({ fields: [{ name: 'a' }] } as never)).toBe('field "a" has unknown type undefined');
  });

  it("refuses names that differ only in case, and the log's own names", () => {
    expect(
      schemaProblem({
        fields: [
          { name: 'Country', type: 'text' },
          { name: 'country', type: 'text' },
        ],
      }),
    ).toBe('fields "Country" and "country" differ only in case');
    expect(schemaProblem({ fields: [{ name: 'TS', type: 'float' }] })).toBe('field name "TS" is reserved for the log');
  });

  it('takes fields named like Object.prototype members', () => {
    expect(schemaProblem({ fields: ['__proto__', 'constructor', 'toString'].map((name) => ({ name, type: 'float' as const })) })).toBeNull();
  });
});
