import { describe, expect, it } from 'vitest';
import { schemaFit } from './schemaFit';

const DATASET = {
  fields: [
    { name: 'city', type: 'text' as const },
    { name: 'price', type: 'float' as const },
    { name: 'when', type: 'timestamp' as const },
  ],
};

describe('schemaFit', () => {
  it('fits by name ignoring case, widens integers into float, leaves missing fields empty', () => {
    const fit = schemaFit(DATASET, [
      { name: 'PRICE', type: 'integer' },
      { name: 'city', type: 'text' },
    ]);
    expect(fit.problems).toEqual([]);
    expect(fit.sources).toEqual([1, 0, -1]);
    expect(fit.widen).toEqual([false, true, false]);
    expect(fit.notes).toEqual(['"PRICE": the file\'s integers are stored as float', '"when" is not in the file: left empty']);
  });

  it('explains every field that does not fit', () => {
    const fit = schemaFit(DATASET, [
      { name: 'city', type: 'integer' },
      { name: 'rooms', type: 'integer' },
      { name: 'when', type: 'date' },
    ]);
    expect(fit.problems).toEqual(['"city" is integer in the file but text in the dataset', '"rooms" is not a field of the dataset', '"when" is date in the file but timestamp in the dataset']);
  });
});
