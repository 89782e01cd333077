import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID Connect provider (oidc-provider), run in process for the tests and configured
 * like ProConnect: the same scopes and claims (given_name, usual_name, email, uid, siret,
 * organizational_unit), PKCE required, ID token and userinfo signed with RS256, userinfo as a
 * JWT. The login screen is replaced by an automatic answer: the test says in advance who logs
 * in (`nextAgent`), the provider asserts it as ProConnect would after the agent's own login.
 */

export interface ProConnectAgent {
  sub: string;
  email: string;
  given_name: string;
  usual_name: string;
  uid: string;
  siret?: string;
  organizational_unit?: string;
}

export const PROCONNECT_TEST_SCOPES = [
  'openid',
  'email',
  'given_name',
  'usual_name',
  'uid',
  'siret',
  'organizational_unit',
] as const;

export interface RunningProConnect {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next login will be; set it before following the redirect. */
  nextAgent: ProConnectAgent | null;
  /** Registers the client once the app's redirect URIs are known (the app listens after us). */
  configure(redirectUris: string[], postLogoutRedirectUris?: string[]): void;
  close(): Promise<void>;
}

export async function startProConnectProvider(): Promise<RunningProConnect> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = http.createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end('not configured yet');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, ProConnectAgent>();

  const running: RunningProConnect = {
    issuer,
    clientId: `guichet-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
    nextAgent: null,
    configure(redirectUris, postLogoutRedirectUris = []) {
      const claims: Record<string, string[]> = { openid: ['sub'] };
      for (const scope of PROCONNECT_TEST_SCOPES) if (scope !== 'openid') claims[scope] = [scope];
      const configuration: Configuration = {
        clients: [
          {
            client_id: running.clientId,
            client_secret: running.clientSecret,
            redirect_uris: redirectUris,
            post_logout_redirect_uris: postLogoutRedirectUris,
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_post',
            id_token_signed_response_alg: 'RS256',
            userinfo_signed_response_alg: 'RS256',
          },
        ],
        jwks: { keys: [jwk] } as Configuration['jwks'],
        claims,
        pkce: { required: () => true },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        features: {
          devInteractions: { enabled: false },
          jwtUserinfo: { enabled: true },
          userinfo: { enabled: true },
        },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        findAccount: async (_ctx, sub) => {
          const agent = accounts.get(sub);
          if (!agent) return undefined;
          return { accountId: sub, claims: async () => ({ ...agent }) };
        },
        ttl: { AccessToken: 60, AuthorizationCode: 60, IdToken: 60, Interaction: 600, Session: 600, Grant: 600 },
      };
      const provider = new Provider(issuer, configuration);
      const callback = provider.callback();
      handler = (req, res) => {
        if (!/^\/interaction\/[\w-]+$/.test((req.url ?? '').split('?')[0] ?? '')) {
          callback(req, res);
          return;
        }
        // The agent's login at their identity provider, done: answer with the chosen agent.
        void (async () => {
          const details = await provider.interactionDetails(req, res);
          const agent = running.nextAgent;
          if (!agent) {
            await provider.interactionFinished(
              req,
              res,
              { error: 'access_denied' },
              { mergeWithLastSubmission: false },
            );
            return;
          }
          accounts.set(agent.sub, agent);
          const grant = new provider.Grant({ accountId: agent.sub, clientId: String(details.params.client_id) });
          grant.addOIDCScope(String(details.params.scope ?? 'openid'));
          const grantId = await grant.save();
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: agent.sub }, consent: { grantId } },
            { mergeWithLastSubmission: false },
          );
        })().catch((err: unknown) => {
          res.statusCode = 500;
          res.end(String((err as Error).message));
        });
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return running;
}
