/**
 * Records keyed by names from outside (stream ids, dataset ids): only own properties count, and a
 * key such as `__proto__` or `toString` is stored as a key. `rec[key]` would read Object.prototype's
 * members for those, and `rec.__proto__ = n` would try to replace the prototype instead of storing n.
 */
export function ownGet<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined;
}

export function ownSet<T>(rec: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(rec, key, { value, writable: true, enumerable: true, configurable: true });
}
