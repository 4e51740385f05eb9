/**
 * A failure the person at the terminal can act on: its message is the one plain sentence the CLI
 * prints before exiting non-zero. Anything else that escapes is a bug and says so.
 */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** The reason inside whatever was thrown, without a stack. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A file that cannot be read, in words: the usual errno codes say what to do. */
export function fileProblem(file: string, e: unknown): Error {
  if (e instanceof ReplayError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new ReplayError(`there is no file ${file}`);
  if (code === 'EISDIR') return new ReplayError(`${file} is a directory, not a data file`);
  if (code === 'EACCES' || code === 'EPERM') return new ReplayError(`${file} cannot be read (permission denied)`);
  return new ReplayError(`${file} cannot be read: ${reasonOf(e)}`);
}
