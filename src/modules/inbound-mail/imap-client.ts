import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { openSecret, sealSecret } from '../../platform/security/sealed-secret.ts';

/** How Guichet reaches a tenant's mailbox. */
export interface MailboxSettings {
  host: string;
  port: number;
  tlsMode: 'tls' | 'starttls' | 'none';
  username: string;
  password: string;
}

export const TLS_MODES = ['tls', 'starttls', 'none'] as const;

/** The HKDF label of mailbox passwords (platform/security/sealed-secret.ts). */
const PASSWORD_PURPOSE = 'imap-mailbox-password/v1';

/** Mailbox passwords are sealed like TOTP secrets; the tenant is the authenticated data. */
export function sealMailboxPassword(sessionSecret: string, tenantId: string, password: string): string {
  return sealSecret(sessionSecret, PASSWORD_PURPOSE, `imap:${tenantId}`, password);
}

export function openMailboxPassword(sessionSecret: string, tenantId: string, sealed: string): string {
  return openSecret(sessionSecret, PASSWORD_PURPOSE, `imap:${tenantId}`, sealed);
}

/**
 * Connects and logs in. `tls`: TLS from the first byte (port 993); `starttls`: STARTTLS required,
 * never a fallback to clear text; `none`: clear text (a server on the same machine). Certificates
 * are checked. Short timeouts: a poll must not hang on an unreachable host.
 */
export async function connectMailbox(settings: MailboxSettings): Promise<ImapFlow> {
  const options: ImapFlowOptions = {
    host: settings.host,
    port: settings.port,
    secure: settings.tlsMode === 'tls',
    doSTARTTLS: settings.tlsMode === 'starttls',
    auth: { user: settings.username, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 120_000,
    clientInfo: { name: 'Guichet' },
  };
  const client = new ImapFlow(options);
  // A socket error after connect is also thrown by the command that meets it.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Logs out politely, or drops the connection if the server does not answer. */
export async function closeMailbox(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    client.close();
  }
}

interface ImapErrorShape {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  mailboxMissing?: boolean;
  message?: string;
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_SSL)/;

export type ImapErrorKind = 'auth' | 'tls' | 'host' | 'folder' | 'other';

/**
 * What an administrator can act on, in French: a wrong password, a host that does not answer, a
 * TLS problem, a missing folder. Never the password, never a stack.
 */
export function classifyImapError(err: unknown): { kind: ImapErrorKind; message: string } {
  const e = (err ?? {}) as ImapErrorShape;
  const code = e.code ?? '';
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED')
    return {
      kind: 'auth',
      message:
        'Identifiant ou mot de passe refusé par le serveur de messagerie. Vérifiez-les (certains hébergeurs demandent un mot de passe d’application).',
    };
  if (e.tlsFailed || TLS_CODES.test(code) || /ssl|tls|certificate/i.test(e.message ?? ''))
    return {
      kind: 'tls',
      message:
        'La connexion chiffrée (TLS) a échoué : vérifiez le mode de chiffrement et le port (993 pour TLS, 143 pour STARTTLS), et que le certificat du serveur est valide.',
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { kind: 'host', message: 'Serveur introuvable : ce nom de serveur n’existe pas. Vérifiez son orthographe.' };
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return {
      kind: 'host',
      message: 'Serveur injoignable : la connexion est refusée. Vérifiez le nom du serveur et le port.',
    };
  if (/TIMEOUT|ETIMEDOUT/i.test(code))
    return {
      kind: 'host',
      message:
        'Serveur injoignable : il ne répond pas. Vérifiez le nom du serveur, le port et qu’un pare-feu ne bloque pas la connexion.',
    };
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT')
    return {
      kind: 'folder',
      message: 'Le dossier à lire n’existe pas dans cette boîte. Vérifiez son nom (souvent INBOX).',
    };
  if (code === 'ECONNRESET' || code === 'EConnectionClosed' || code.startsWith('ClosedAfterConnect'))
    return {
      kind: 'tls',
      message: 'Le serveur a fermé la connexion. Vérifiez le mode de chiffrement et le port, puis réessayez.',
    };
  const detail = (e.responseText ?? '').replace(/\s+/g, ' ').slice(0, 200);
  return {
    kind: 'other',
    message: `Le serveur de messagerie a répondu par une erreur${detail ? ` : « ${detail} »` : ''}.`,
  };
}

export function describeImapError(err: unknown): string {
  return classifyImapError(err).message;
}
