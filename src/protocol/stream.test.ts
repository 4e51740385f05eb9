import { describe, expect, it } from 'vitest';
import { schemaProblem } from './schema';
import { parseServerMessage, PROTOCOL_VERSION } from './stream';

const schema = { fields: [{ name: 'a', type: 'number' }] };

describe('parseServerMessage', () => {
  it('accepts the messages the server sends', () => {
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: [{ id: 's', schema, nextOffset: 3, bufferedFrom: 0 }] };
    expect(parseServerMessage(JSON.stringify(hello))).toEqual(hello);
    expect(parseServerMessage('{"type":"events","stream":"s","offset":0,"batch":{}}').type).toBe('events');
    expect(parseServerMessage('{"type":"gap","stream":"s","requested":0,"resumeAt":5}').type).toBe('gap');
  });

  it.each([
    ['not json {', 'message is not JSON'],
    ['[1,2]', 'message has no type'],
    ['{"type":"surprise"}', 'unknown message type "surprise"'],
    ['{"type":"hello","protocolVersion":1,"streams":[null]}', 'bad hello'],
    ['{"type":"hello","protocolVersion":1,"streams":[{"id":"s"}]}', 'bad hello'],
    ['{"type":"events","stream":"s","offset":-1}', 'bad events header'],
    ['{"type":"gap","stream":"s","requested":"x","resumeAt":5}', 'bad gap'],
    ['{"type":"error"}', 'bad error message'],
  ])('refuses %s', (text, error) => {
    expect(parseServerMessage(text)).toEqual({ type: 'invalid', error });
  });
});

describe('schemaProblem', () => {
  it('names what is wrong with a schema from outside, never throwing', () => {
    expect(schemaProblem(schema as never)).toBeNull();
    expect(schemaProblem(undefined as never)).toMatch(/at least one field/);
    expect(schemaProblem({ fields: [null] } as never)).toMatch(/non-empty text/);
    expect(schemaProblem({ fields: [{ name: 'a', type: 'date' }] } as never)).toMatch(/unknown type "date"/);
  });
});
