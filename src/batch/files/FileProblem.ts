/**
 * The one error a file reader throws for a problem with the file itself, so the UI can show its
 * message as is: a plain sentence naming the file, e.g. `"sales.csv" is empty`.
 * Aborts are not problems with the file: they throw a DOMException named AbortError instead.
 */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  readonly fileName: string;
  /** The message without the file's name: `is empty`. */
  readonly problem: string;

  constructor(fileName: string, problem: string, options?: { cause?: unknown }) {
    super(`${JSON.stringify(fileName)} ${problem}`, options);
    this.fileName = fileName;
    this.problem = problem;
  }
}

/** The error an aborted read ends with (the same name fetch and streams use, so one check fits all). */
export function abortError(fileName: string): DOMException {
  return new DOMException(`Reading ${JSON.stringify(fileName)} was aborted`, 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined, fileName: string): void {
  if (signal?.aborted) throw abortError(fileName);
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** Why something failed, in words, for the end of a FileProblem message. */
export function reasonOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
