/** Numbers distinct strings in order of first appearance: the dictionary of a dictionary-encoded column (wire and log). */
export class StringDictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.values.length;
      this.index.set(s, k);
      this.values.push(s);
    }
    return k;
  }
}
