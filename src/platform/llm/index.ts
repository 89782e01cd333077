import type { Config } from '../../config.ts';
import { createOpenAiCompatibleClient, type LlmClient } from './client.ts';

export { LlmError, type LlmClient, type LlmMessage } from './client.ts';

/** The configured model, or null when LLM_BASE_URL is not set (the assistant answers locally). */
export function createLlmClient(config: Config): LlmClient | null {
  const llm = config.llm;
  if (!llm) return null;
  return createOpenAiCompatibleClient(llm);
}
