import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_ERRORS_PER_S, ProblemReporter } from './ProblemReporter';

const summary = (n: number) => `…and ${n} more problems like these in the last second`;

function recording() {
  const sent: string[] = [];
  const counted: string[] = [];
  const reporter = new ProblemReporter(
    (m) => sent.push(m),
    (m) => counted.push(m),
  );
  return { reporter, sent, counted };
}

/** `n` distinct problems named from `from`. */
const problems = (from: number, n: number) => Array.from({ length: n }, (_, i) => `problem ${from + i}`);

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ProblemReporter', () => {
  it('sends at most MAX_ERRORS_PER_S a second and counts every one', () => {
    const { reporter, sent, counted } = recording();
    const burst = problems(0, MAX_ERRORS_PER_S + 3);
    for (const p of burst) {
      reporter.report(p);
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual(burst.slice(0, MAX_ERRORS_PER_S));
    expect(counted).toEqual(burst);
  });

  it('says how many were held back with the first problem of the next second', () => {
    const { reporter, sent, counted } = recording();
    const first = problems(0, MAX_ERRORS_PER_S + 7);
    for (const p of first) reporter.report(p);
    vi.advanceTimersByTime(999);
    reporter.report('late in the first second');
    expect(sent).toEqual(first.slice(0, MAX_ERRORS_PER_S));
    vi.advanceTimersByTime(2);
    reporter.report('next');
    expect(sent).toEqual([...first.slice(0, MAX_ERRORS_PER_S), summary(7 + 1), 'next']);
    expect(counted).toEqual([...first, 'late in the first second', 'next']);
  });

  it('sends MAX_ERRORS_PER_S problems of the new second besides the summary, and counts its own held back', () => {
    const { reporter, sent } = recording();
    for (const p of problems(0, MAX_ERRORS_PER_S + 2)) reporter.report(p);
    vi.advanceTimersByTime(1_500);
    const second = problems(100, MAX_ERRORS_PER_S + 4);
    for (const p of second) reporter.report(p);
    vi.advanceTimersByTime(1_500);
    reporter.report('third');
    expect(sent).toEqual([...problems(0, MAX_ERRORS_PER_S), summary(2), ...second.slice(0, MAX_ERRORS_PER_S), summary(4), 'third']);
  });

  it('sends no summary when nothing was held back', () => {
    const { reporter, sent } = recording();
    const first = problems(0, MAX_ERRORS_PER_S);
    for (const p of first) reporter.report(p);
    vi.advanceTimersByTime(60_000);
    reporter.report('much later');
    expect(sent).toEqual([...first, 'much later']);
  });

  it('sends the summary only once', () => {
    const { reporter, sent } = recording();
    for (const p of problems(0, MAX_ERRORS_PER_S + 1)) reporter.report(p);
    vi.advanceTimersByTime(1_001);
    reporter.report('a');
    vi.advanceTimersByTime(1_001);
    reporter.report('b');
    expect(sent).toEqual([...problems(0, MAX_ERRORS_PER_S), summary(1), 'a', 'b']);
  });
});
