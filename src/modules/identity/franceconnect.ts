import * as oidc from 'openid-client';
import { z } from 'zod';
import type { Config } from '../../config.ts';

/**
 * Guichet as a FranceConnect v2 service provider (relying party), with openid-client. Endpoints
 * come from the issuer's discovery document, fetched on first use and cached.
 */

export const FRANCECONNECT_SCOPE =
  'openid given_name family_name birthdate birthplace birthcountry gender email preferred_username';
/** eIDAS levels FranceConnect may assert; eidas1 is the lowest this service accepts. */
const ACCEPTED_ACR = new Set(['eidas1', 'eidas2', 'eidas3']);

/** The provider cannot be reached or is not configured: the citizen is offered other ways in. */
export class FranceConnectUnavailable extends Error {
  override name = 'FranceConnectUnavailable';
}

/** The provider answered, but the answer failed a check: nothing is trusted, no session opened. */
export class FranceConnectRefused extends Error {
  override name = 'FranceConnectRefused';
}

/** What the authorization request needs to remember until the callback (kept in a signed cookie). */
export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

const identityClaims = z.object({
  sub: z.string().min(1).max(255),
  given_name: z.string().min(1).max(255),
  family_name: z.string().min(1).max(255),
  preferred_username: z.string().max(255).optional().nullable(),
  birthdate: z.string().max(32).optional().nullable(),
  birthplace: z.string().max(32).optional().nullable(),
  birthcountry: z.string().max(32).optional().nullable(),
  gender: z.string().max(32).optional().nullable(),
  email: z.string().max(320).optional().nullable(),
});
export type FranceConnectClaims = z.infer<typeof identityClaims>;

export interface FranceConnectResult {
  idToken: string;
  acr: string;
  claims: FranceConnectClaims;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** A failure to reach the provider, as opposed to an answer that failed validation. */
function isNetworkFailure(err: unknown): boolean {
  for (
    let e = err as { code?: string; name?: string; message?: string; cause?: unknown } | undefined, i = 0;
    e && i < 6;
    i++
  ) {
    if (e.code && NETWORK_CODES.has(e.code)) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The HTTP status a failed call to the provider got, if it got one (openid-client's errors carry it). */
function providerStatus(err: unknown): number | null {
  let e = err as { status?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (typeof e.status === 'number') return e.status;
    if (e.cause instanceof Response) return e.cause.status;
    e = e.cause as typeof e;
  }
  return null;
}

/** A state younger than this is answered as is; an older one waits for a new check. */
const HEALTH_FRESH_MS = 5_000;
/** From this age on, a state still answered is refreshed in the background for the next click. */
const HEALTH_REFRESH_MS = 2_500;
/**
 * While citizens use FranceConnect (a click in the last minute), a provider found up is checked
 * again every second in the background: one that dies is noticed within about a second, not at
 * the end of the 5 s its last good state is answered.
 */
const HEALTH_WATCH_MS = 1_000;
const HEALTH_ACTIVE_MS = 60_000;

/**
 * Whether the provider answers, checked before a browser is sent to it: its discovery document,
 * then the keys it names (jwks_uri), each with a short timeout. The state is cached a few
 * seconds and refreshed in the background (every second while citizens click), so that a click
 * seldom waits and a provider that stops answering is noticed within about a second; one probe
 * at a time. A failure seen on a real login (`markDown`) holds for the 5 s of a state.
 */
export class FranceConnectHealth {
  private state: { up: boolean; at: number; reason: string | null } | null = null;
  private probing: Promise<boolean> | null = null;
  private lastDemand = -Infinity;
  private watch: NodeJS.Timeout | null = null;

  constructor(
    private readonly issuer: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
    private readonly watchMs: number = HEALTH_WATCH_MS,
  ) {}

  /** true when the provider answered its last check (waits for a check only when none is recent). */
  async isUp(): Promise<boolean> {
    this.lastDemand = this.now();
    this.startWatch();
    const s = this.state;
    const age = s ? this.now() - s.at : Infinity;
    if (s && age < HEALTH_FRESH_MS) {
      if (age >= HEALTH_REFRESH_MS) void this.refresh();
      return s.up;
    }
    return this.refresh();
  }

  /** Stops the background checks (they also stop by themselves a minute after the last click). */
  stop(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  private startWatch(): void {
    if (this.watch || this.watchMs <= 0) return;
    this.watch = setInterval(() => {
      const now = this.now();
      if (now - this.lastDemand > HEALTH_ACTIVE_MS) return this.stop();
      const s = this.state;
      if (!s || this.probing) return;
      // Up: checked again at once, to notice a death. Down: left as it is for its 5 s (a
      // failure seen on a login is not undone by a discovery document that still answers).
      if (s.up ? now - s.at >= this.watchMs : now - s.at >= HEALTH_FRESH_MS) void this.refresh();
    }, this.watchMs);
    // Never keeps the process alive.
    this.watch.unref();
  }

  /** Why the last check failed, for the logs (never shown to citizens). */
  get lastFailure(): string | null {
    return this.state?.reason ?? null;
  }

  /** Marks the provider down now (a call to it just failed), without waiting for the next check. */
  markDown(reason: string): void {
    this.state = { up: false, at: this.now(), reason };
  }

  private refresh(): Promise<boolean> {
    this.probing ??= this.probe()
      .then(
        () => ({ up: true, reason: null }),
        (err: unknown) => ({ up: false, reason: (err as Error).message }),
      )
      .then(({ up, reason }) => {
        this.state = { up, at: this.now(), reason };
        this.probing = null;
        return up;
      });
    return this.probing;
  }

  private async probe(): Promise<void> {
    const base = this.issuer.replace(/\/$/, '');
    const discovery = await this.getJson(`${base}/.well-known/openid-configuration`);
    const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string') throw new Error('discovery document without jwks_uri');
    const jwks = await this.getJson(jwksUri);
    const keys = (jwks as { keys?: unknown }).keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new Error('no signing keys');
  }

  private async getJson(url: string): Promise<unknown> {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return (await res.json()) as unknown;
  }
}

export class FranceConnectRp {
  private discovered: Promise<oidc.Configuration> | null = null;
  readonly health: FranceConnectHealth;

  constructor(
    private readonly settings: { issuer: string; clientId: string; clientSecret: string; healthTimeoutMs?: number },
  ) {
    this.health = new FranceConnectHealth(settings.issuer, settings.healthTimeoutMs ?? 2000);
  }

  /** The provider's configuration; a failed discovery is retried on the next call. */
  configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = null;
      throw new FranceConnectUnavailable(`discovery failed: ${(err as Error).message}`, { cause: err });
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain HTTP only for a provider on this machine (the demo and the tests).
    const insecure = issuer.protocol === 'http:';
    const found = await oidc.discovery(issuer, this.settings.clientId, undefined, undefined, {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    });
    const meta = found.serverMetadata();
    const methods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const auth = methods.includes('client_secret_post')
      ? oidc.ClientSecretPost(this.settings.clientSecret)
      : oidc.ClientSecretBasic(this.settings.clientSecret);
    const pick = (supported: string[] | undefined) => ['ES256', 'RS256'].find((a) => supported?.includes(a));
    const userinfoAlg = pick(meta.userinfo_signing_alg_values_supported);
    const idTokenAlg = pick(meta.id_token_signing_alg_values_supported);
    if (!userinfoAlg || !idTokenAlg || !meta.end_session_endpoint) {
      throw new Error(
        'the provider does not sign userinfo and ID tokens with ES256 or RS256, or has no end_session_endpoint',
      );
    }
    const config = new oidc.Configuration(
      meta,
      this.settings.clientId,
      { userinfo_signed_response_alg: userinfoAlg, id_token_signed_response_alg: idTokenAlg },
      auth,
    );
    if (insecure) oidc.allowInsecureRequests(config);
    // Verify the signatures of the ID token and of the userinfo JWT against the provider's JWKS.
    oidc.enableNonRepudiationChecks(config);
    config.timeout = 10;
    return config;
  }

  /**
   * The authorization URL and the secrets to keep until the citizen comes back; throws
   * FranceConnectUnavailable when the provider does not answer its health check.
   */
  async start(redirectUri: string): Promise<{ url: string; secrets: FlowSecrets }> {
    if (!(await this.health.isUp())) {
      throw new FranceConnectUnavailable(`health check failed: ${this.health.lastFailure ?? 'unknown'}`);
    }
    const config = await this.configuration().catch((err: unknown) => {
      this.health.markDown((err as Error).message);
      throw err;
    });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const secrets: FlowSecrets = {
      // 32 random bytes each: 43 characters, above FranceConnect's minimum of 32.
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      redirectUri,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: FRANCECONNECT_SCOPE,
      acr_values: 'eidas1',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      prompt: 'login consent',
    });
    return { url: url.href, secrets };
  }

  /**
   * Checks the callback (state, issuer), exchanges the code (PKCE), checks the ID token
   * (signature, issuer, audience, expiry, nonce, acr), then fetches and verifies the signed
   * userinfo, whose `sub` must be the ID token's.
   */
  async finish(query: URLSearchParams, secrets: FlowSecrets): Promise<FranceConnectResult> {
    const config = await this.configuration().catch((err: unknown) => {
      this.health.markDown((err as Error).message);
      throw err;
    });
    const currentUrl = new URL(secrets.redirectUri);
    for (const [k, v] of query) currentUrl.searchParams.append(k, v);
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: secrets.state,
        expectedNonce: secrets.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!tokens.id_token || !idClaims) throw new FranceConnectRefused('no ID token');
      const acr = typeof idClaims.acr === 'string' ? idClaims.acr : '';
      if (!ACCEPTED_ACR.has(acr)) throw new FranceConnectRefused(`acr ${acr || '(none)'} is below eidas1`);
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      const parsed = identityClaims.safeParse(userinfo);
      if (!parsed.success) throw new FranceConnectRefused('userinfo lacks the identity claims');
      return { idToken: tokens.id_token, acr, claims: parsed.data };
    } catch (err) {
      if (err instanceof FranceConnectRefused) throw err;
      const status = providerStatus(err);
      if (isNetworkFailure(err) || (status !== null && status >= 500)) {
        // The provider failed a real login: taken as down at once, for the next clicks.
        const why = status !== null ? `token or userinfo endpoint answered ${status}` : (err as Error).message;
        this.health.markDown(why);
        throw new FranceConnectUnavailable(why, { cause: err });
      }
      throw new FranceConnectRefused((err as Error).message, { cause: err });
    }
  }

  /** The provider's logout URL for this session. */
  async endSessionUrl(params: { idToken: string; state: string; postLogoutRedirectUri: string }): Promise<string> {
    const config = await this.configuration();
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: params.idToken,
      state: params.state,
      post_logout_redirect_uri: params.postLogoutRedirectUri,
    }).href;
  }
}

const clients = new Map<string, FranceConnectRp>();

/** The relying party for this configuration, or null when FranceConnect is not configured. */
export function franceConnectFor(config: Pick<Config, 'franceconnect'>): FranceConnectRp | null {
  const { issuer, clientId, clientSecret, healthTimeoutMs } = config.franceconnect;
  if (!issuer || !clientId || !clientSecret) return null;
  const key = JSON.stringify([issuer, clientId, clientSecret, healthTimeoutMs]);
  let rp = clients.get(key);
  if (!rp) {
    rp = new FranceConnectRp({ issuer, clientId, clientSecret, healthTimeoutMs });
    clients.set(key, rp);
  }
  return rp;
}
