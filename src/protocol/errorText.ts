/** What went wrong, in words, from anything thrown: an Error's message, or the value itself. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
