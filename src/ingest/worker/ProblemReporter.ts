/**
 * Reports problems to the page without flooding it: a hostile or broken source can produce
 * thousands a second. Past MAX_ERRORS_PER_S in a second they are only counted, and the next
 * problem after that second says how many were held back.
 */
export const MAX_ERRORS_PER_S = 5;

export class ProblemReporter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private suppressed = 0;

  /**
   * @param send delivers one message to the page.
   * @param count is told of every problem, sent or not (the status keeps the total and the last one).
   */
  constructor(
    private readonly send: (message: string) => void,
    private readonly count: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  report(message: string): void {
    this.count(message);
    const now = this.now();
    if (now - this.windowStart > 1000) {
      if (this.suppressed > 0) this.send(`…and ${this.suppressed} more problems like these in the last second`);
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (++this.inWindow <= MAX_ERRORS_PER_S) this.send(message);
    else this.suppressed++;
  }
}
