import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Services } from '../../services.ts';
import { receiveInboundMail, tenantOfInboundAddress, UnreadableMailError } from './receive-inbound-mail.ts';

export interface InboundSmtpServer {
  port: number;
  close: () => Promise<void>;
}

/** An SMTP error with its reply code, as smtp-server sends it. */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The inbound SMTP listener (`npm start`, INBOUND_SMTP_PORT): accepts mail for the tenants'
 * addresses only (550 at RCPT for any other), announces SIZE and refuses larger messages with
 * 552, and answers 250 only once the message is stored (receiveInboundMail committed). No AUTH
 * and no STARTTLS: it sits behind the deployment's MX, which does TLS and filtering.
 */
export async function startInboundSmtp(
  services: Services,
  options: { host: string; port: number; logger: Logger; maxBytes?: number },
): Promise<InboundSmtpServer> {
  const maxBytes = options.maxBytes ?? services.config.inbound.maxBytes;
  const server = new SMTPServer({
    name: services.config.inbound.domain,
    banner: 'Guichet',
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    // A slow client may not hold a connection for ever.
    socketTimeout: 60_000,
    async onRcptTo(address, _session, callback) {
      try {
        const tenant = await tenantOfInboundAddress(services, address.address);
        if (!tenant) return callback(smtpError(550, '5.1.1 Mailbox unavailable: no such address here'));
        callback();
      } catch (err) {
        options.logger.error({ err }, 'inbound mail: recipient lookup failed');
        callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
      }
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let length = 0;
      stream.on('data', (chunk: Buffer) => {
        length += chunk.length;
        // Past the limit the rest is read and dropped, never kept in memory.
        if (length <= maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || length > maxBytes) {
          return callback(smtpError(552, `5.3.4 Message too big: at most ${maxBytes} bytes`));
        }
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        receiveInboundMail(services, Buffer.concat(chunks, length), {
          mailFrom,
          recipients: session.envelope.rcptTo.map((r) => r.address),
        })
          .then((outcomes) => {
            options.logger.info({ outcomes: outcomes.map((o) => o.outcome) }, 'inbound mail received');
            callback(null, 'Message accepted');
          })
          .catch((err: unknown) => {
            if (err instanceof UnreadableMailError) {
              return callback(smtpError(554, '5.6.0 Message could not be read'));
            }
            options.logger.error({ err }, 'inbound mail not stored');
            // Temporary: the sending server keeps the message and tries again.
            callback(smtpError(451, '4.3.0 Message not stored, try again later'));
          });
      });
      stream.on('error', (err) => {
        options.logger.warn({ err }, 'inbound mail stream error');
      });
    },
  });
  server.on('error', (err) => options.logger.warn({ err }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
