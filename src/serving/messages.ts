/** The pipeline's message list: newest first, bounded, a message repeated in a row folded into one line. */
import type { PipelineMessage } from './pipelineTypes';

export const MAX_MESSAGES = 30;

export function withMessage(messages: readonly PipelineMessage[], level: PipelineMessage['level'], text: string, at: number): PipelineMessage[] {
  const [last, ...rest] = messages;
  if (last && last.text === text && last.level === level) return [{ ...last, at, repeat: last.repeat + 1 }, ...rest];
  return [{ at, level, text, repeat: 1 }, ...messages].slice(0, MAX_MESSAGES);
}
