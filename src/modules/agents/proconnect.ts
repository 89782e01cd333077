import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Tx } from '../../db/tenant-scope.ts';

/**
 * Login with ProConnect, the State's identity federation for public servants (OpenID Connect,
 * authorisation code flow with state, nonce and PKCE). ProConnect answers userinfo as a signed
 * JWT; the client metadata below makes openid-client insist on it and check its signature
 * against the provider's JWKS, like the ID token's.
 */
export const PROCONNECT_SCOPES = 'openid email given_name usual_name uid siret organizational_unit';
export const PROCONNECT_COOKIE = 'guichet_proconnect';
/** Time allowed between leaving for ProConnect and coming back. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

export interface ProConnectSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Plain HTTP is accepted only outside production (a provider run locally for tests or demo). */
  allowHttp: boolean;
}

let cached: { key: string; config: Promise<oidc.Configuration> } | null = null;

/** The provider's configuration from its discovery document, fetched once per process. */
export function providerConfiguration(settings: ProConnectSettings): Promise<oidc.Configuration> {
  const key = `${settings.issuer}|${settings.clientId}`;
  if (cached?.key !== key) {
    const config = oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      { id_token_signed_response_alg: 'RS256', userinfo_signed_response_alg: 'RS256' },
      oidc.ClientSecretPost(settings.clientSecret),
      settings.allowHttp && settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    cached = { key, config };
    // A provider down at the first try is asked again next time, not cached as broken.
    config.catch(() => {
      if (cached?.config === config) cached = null;
    });
  }
  return cached.config;
}

/** What the browser carries between the two legs of the flow, sealed in a cookie. */
export interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  tenantId: string;
  retour: string;
  /** Epoch milliseconds after which the flow is refused. */
  expires: number;
}

function flowKey(sessionSecret: string): Buffer {
  // Own HKDF label: the cookie key is independent from the TOTP and CSRF keys.
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'proconnect-flow-cookie/v1', 32));
}

/** AES-256-GCM: the browser can neither read the PKCE verifier nor forge a state. */
export function sealFlow(sessionSecret: string, flow: FlowState): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', flowKey(sessionSecret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

export function openFlow(sessionSecret: string, sealed: string | undefined, now: Date): FlowState | null {
  if (!sealed || sealed.length > 4096) return null;
  try {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !body) return null;
    const decipher = createDecipheriv('aes-256-gcm', flowKey(sessionSecret), iv);
    decipher.setAuthTag(tag);
    const flow = JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as FlowState;
    return flow.expires > now.getTime() ? flow : null;
  } catch {
    return null;
  }
}

/** The first leg: the provider's authorisation URL and the state to keep. */
export async function startLogin(
  settings: ProConnectSettings,
  input: { redirectUri: string; tenantId: string; retour: string; now: Date },
): Promise<{ url: URL; flow: FlowState }> {
  const config = await providerConfiguration(settings);
  const verifier = oidc.randomPKCECodeVerifier();
  const flow: FlowState = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    tenantId: input.tenantId,
    retour: input.retour,
    expires: input.now.getTime() + FLOW_LIFETIME_MS,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: PROCONNECT_SCOPES,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, flow };
}

export interface ProConnectIdentity {
  sub: string;
  email: string;
  givenName: string | null;
  usualName: string | null;
  siret: string | null;
  idToken: string | undefined;
}

/**
 * The second leg: exchanges the code (checking state, PKCE, and the ID token's signature,
 * issuer, audience, expiry and nonce), then reads userinfo as a signed JWT for the same subject.
 * Throws on any mismatch.
 */
export async function finishLogin(
  settings: ProConnectSettings,
  input: { callbackUrl: URL; flow: FlowState },
): Promise<ProConnectIdentity> {
  const config = await providerConfiguration(settings);
  const tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
    expectedState: input.flow.state,
    expectedNonce: input.flow.nonce,
    pkceCodeVerifier: input.flow.verifier,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token');
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const email = text(info.email) ?? text(claims.email);
  if (!email) throw new Error('no email claim');
  return {
    sub: claims.sub,
    email: email.toLowerCase(),
    givenName: text(info.given_name),
    usualName: text(info.usual_name),
    siret: text(info.siret)?.replace(/\s+/g, '') ?? null,
    idToken: tokens.id_token,
  };
}

/**
 * Where to send the browser so that ProConnect closes its own session too (RP-initiated logout),
 * or null when the provider advertises no end_session_endpoint.
 */
export async function logoutUrl(
  settings: ProConnectSettings,
  input: { idToken: string; state: string; postLogoutRedirectUri: string },
): Promise<URL | null> {
  const config = await providerConfiguration(settings);
  if (!config.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(config, {
    id_token_hint: input.idToken,
    state: input.state,
    post_logout_redirect_uri: input.postLogoutRedirectUri,
  });
}

/**
 * Does this identity belong to the current tenant? By the SIRET of the agent's establishment,
 * or else by the domain of their email, each listed in the tenant's settings.
 */
export async function identityMatchesTenant(trx: Tx, identity: ProConnectIdentity): Promise<boolean> {
  const t = await trx.selectFrom('tenants').select(['proconnect_sirets', 'proconnect_domains']).executeTakeFirst();
  if (!t) return false;
  if (identity.siret && t.proconnect_sirets.includes(identity.siret)) return true;
  const domain = identity.email.split('@')[1] ?? '';
  return domain !== '' && t.proconnect_domains.map((d) => d.toLowerCase()).includes(domain);
}

/** The active agent with this email in the current tenant, if any: accounts are never created here. */
export async function findAgentForIdentity(trx: Tx, identity: ProConnectIdentity, now: Date): Promise<string | null> {
  const agent = await trx
    .selectFrom('agents')
    .select('id')
    .where('email', '=', identity.email)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!agent) return null;
  await trx.updateTable('agents').set({ last_login_at: now }).where('id', '=', agent.id).execute();
  return agent.id;
}
