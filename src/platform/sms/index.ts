import path from 'node:path';
import type { Config } from '../../config.ts';
import { createFileSmsProvider } from './file-provider.ts';
import { createHttpSmsProvider } from './http-provider.ts';
import type { SmsProvider } from './provider.ts';

/** The provider SMS_PROVIDER names: the file transport under the data directory, or the HTTP gateway. */
export function createSmsProvider(config: Pick<Config, 'sms' | 'dataDir'>): SmsProvider {
  if (config.sms.provider === 'http') {
    return createHttpSmsProvider({
      url: config.sms.httpUrl!,
      token: config.sms.httpToken!,
      timeoutMs: config.sms.httpTimeoutMs,
    });
  }
  return createFileSmsProvider(path.join(config.dataDir, 'sms'));
}
