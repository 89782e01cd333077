import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWTPayload } from 'jose';
import {
  createFranceConnectProvider,
  DEMO_FRANCECONNECT_IDENTITIES,
  generateSigningKeys,
  type FranceConnectIdentity,
} from '../../src/demo/franceconnect-provider.ts';

/**
 * A real OpenID provider (oidc-provider) in process, configured like FranceConnect v2 (the demo
 * provider's configuration: same scopes and claims, acr eidas1, userinfo as a signed JWT,
 * end_session). `misbehave` makes it lie in its token responses for the negative cases: the
 * ID token is re-signed with the provider's own key after a change (so only the changed claim
 * is wrong), or its signature is damaged.
 */
export interface Misbehaviour {
  /** Change the ID token's claims; it is re-signed with the provider's real key. */
  idTokenClaims?: (claims: JWTPayload) => JWTPayload;
  /** Flip a byte of the ID token's signature. */
  tamperSignature?: boolean;
  /** The token endpoint fails with this HTTP status (an HTML page, as a failing gateway answers). */
  tokenStatus?: number;
}

export interface TestFranceConnect {
  issuer: string;
  port: number;
  clientId: string;
  clientSecret: string;
  identities: FranceConnectIdentity[];
  misbehave: (m: Misbehaviour | null) => void;
  close: () => Promise<void>;
}

export async function startTestFranceConnect(options: {
  port: number;
  /** Origins of the Guichet under test (redirect URIs are derived from them). */
  rpOrigins: string[];
  /** The people it knows (default: the demo's). */
  identities?: FranceConnectIdentity[];
}): Promise<TestFranceConnect> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = 'guichet-test';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const jwks = await generateSigningKeys();
  const identities = options.identities ?? DEMO_FRANCECONNECT_IDENTITIES;
  const fc = await createFranceConnectProvider({
    issuer,
    jwks,
    identities,
    client: {
      clientId,
      clientSecret,
      redirectUris: options.rpOrigins.map((o) => `${o}/connexion/franceconnect/retour`),
      postLogoutRedirectUris: options.rpOrigins.map((o) => `${o}/deconnexion/retour`),
    },
  });
  const signingKey = await importJWK(jwks.keys[0]!, 'RS256');
  let misbehaviour: Misbehaviour | null = null;

  async function rewrite(body: string): Promise<string> {
    const m = misbehaviour;
    if (!m) return body;
    const json = JSON.parse(body) as { id_token?: string };
    if (!json.id_token) return body;
    if (m.idTokenClaims) {
      const header = decodeProtectedHeader(json.id_token);
      json.id_token = await new SignJWT(m.idTokenClaims(decodeJwt(json.id_token)))
        .setProtectedHeader({ alg: 'RS256', kid: header.kid })
        .sign(signingKey);
    }
    if (m.tamperSignature) {
      const [h, p, s] = json.id_token.split('.');
      const sig = Buffer.from(s!, 'base64url');
      sig[10] = (sig[10] ?? 0) ^ 0xff;
      json.id_token = `${h}.${p}.${sig.toString('base64url')}`;
    }
    return JSON.stringify(json);
  }

  const server = http.createServer((req, res) => {
    const isToken = req.method === 'POST' && (req.url ?? '').split('?')[0] === '/token';
    if (isToken && misbehaviour?.tokenStatus) {
      res.writeHead(misbehaviour.tokenStatus, { 'content-type': 'text/html' });
      return res.end('<html><body>Bad Gateway</body></html>');
    }
    if (isToken) interceptBody(res, rewrite);
    fc.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    issuer,
    port: (server.address() as AddressInfo).port,
    clientId,
    clientSecret,
    identities,
    misbehave: (m) => {
      misbehaviour = m;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Holds the response body until it is complete, then lets `change` rewrite it before sending. */
function interceptBody(res: ServerResponse, change: (body: string) => Promise<string>): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = ((chunk: unknown) => {
    if (chunk) chunks.push(Buffer.from(chunk as string));
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
    void change(Buffer.concat(chunks).toString('utf8')).then((body) => {
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(body));
      write(body);
      end();
    });
    return res;
  }) as typeof res.end;
}
