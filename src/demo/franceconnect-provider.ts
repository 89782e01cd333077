import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml } from '../platform/html.ts';

/**
 * A local OpenID provider that behaves like FranceConnect v2 (same scopes and claims, `acr`
 * eidas1, userinfo as a signed JWT, RP-initiated logout), for the demo (`npm start`) and the
 * tests. It is a real OpenID Connect provider (oidc-provider): only its people are fictitious.
 */

/** The identity claims FranceConnect v2 gives a service provider. */
export interface FranceConnectIdentity {
  sub: string;
  given_name: string;
  family_name: string;
  /** Nom d'usage, empty when the person has none. */
  preferred_username: string;
  /** YYYY-MM-DD */
  birthdate: string;
  gender: 'female' | 'male';
  /** INSEE code of the commune of birth (COG); empty when born abroad. */
  birthplace: string;
  /** INSEE code of the country of birth: 99100 is France. */
  birthcountry: string;
  email: string;
}

/** FranceConnect's `sub` is 64 hexadecimal characters, stable for one person and one service. */
function demoSub(seed: string): string {
  return createHash('sha256').update(`guichet-demo-franceconnect:${seed}`).digest('hex');
}

/** The demo people (fictitious). Their email addresses use reserved example domains. */
export const DEMO_FRANCECONNECT_IDENTITIES: FranceConnectIdentity[] = [
  {
    sub: demoSub('camille.martin'),
    given_name: 'Camille Louise',
    family_name: 'MARTIN',
    preferred_username: '',
    birthdate: '1988-07-14',
    gender: 'female',
    birthplace: '44109',
    birthcountry: '99100',
    email: 'camille.martin@example.org',
  },
  {
    sub: demoSub('jean-pierre.moreau'),
    given_name: 'Jean-Pierre',
    family_name: 'MOREAU',
    preferred_username: '',
    birthdate: '1955-11-03',
    gender: 'male',
    birthplace: '33063',
    birthcountry: '99100',
    email: 'jp.moreau@example.net',
  },
  {
    sub: demoSub('marie.dupont'),
    given_name: 'Marie Angèle',
    family_name: 'DUPONT',
    preferred_username: 'LEROY',
    birthdate: '1981-04-12',
    gender: 'female',
    birthplace: '69123',
    birthcountry: '99100',
    email: 'marie.dupont@example.com',
  },
  {
    sub: demoSub('aicha.benali'),
    given_name: 'Aïcha',
    family_name: 'BENALI',
    preferred_username: '',
    birthdate: '1993-02-27',
    gender: 'female',
    birthplace: '',
    birthcountry: '99350',
    email: 'aicha.benali@example.org',
  },
  {
    // Born in a commune since merged: Gennes (49149) is part of Gennes-Val-de-Loire since 2016.
    sub: demoSub('lucien.girard'),
    given_name: 'Lucien',
    family_name: 'GIRARD',
    preferred_username: '',
    birthdate: '1949-09-21',
    gender: 'male',
    birthplace: '49149',
    birthcountry: '99100',
    email: 'lucien.girard@example.net',
  },
];

/** FranceConnect v2's scopes: each one releases the claim of the same name. */
export const FRANCECONNECT_SCOPES = [
  'openid',
  'given_name',
  'family_name',
  'birthdate',
  'birthplace',
  'birthcountry',
  'gender',
  'email',
  'preferred_username',
] as const;

export interface FranceConnectClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic';
}

export interface FranceConnectProviderOptions {
  /** e.g. http://localhost:3001 */
  issuer: string;
  client: FranceConnectClient;
  identities?: FranceConnectIdentity[];
  /** Private signing keys (JWK); generated when absent. */
  jwks?: { keys: JWK[] };
  /** The `acr` the provider asserts after login (eidas1 as FranceConnect's basic level). */
  acr?: string;
}

export interface FranceConnectProvider {
  provider: Provider;
  /** Node request handler: the interaction pages, then everything else to oidc-provider. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  jwks: { keys: JWK[] };
}

/** An RSA signing key set as FranceConnect publishes (RS256), private part included. */
export async function generateSigningKeys(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] };
}

export async function createFranceConnectProvider(
  options: FranceConnectProviderOptions,
): Promise<FranceConnectProvider> {
  const identities = options.identities ?? DEMO_FRANCECONNECT_IDENTITIES;
  const jwks = options.jwks ?? (await generateSigningKeys());
  const acr = options.acr ?? 'eidas1';
  const claims: Record<string, string[]> = { openid: ['sub'] };
  for (const scope of FRANCECONNECT_SCOPES) if (scope !== 'openid') claims[scope] = [scope];

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: options.client.redirectUris,
        post_logout_redirect_uris: options.client.postLogoutRedirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: options.client.tokenEndpointAuthMethod ?? 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    jwks: jwks as Configuration['jwks'],
    claims,
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    // FranceConnect requires PKCE from every service provider.
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const person = identities.find((p) => p.sub === sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ ...person }) };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Erreur',
        `<h1>La connexion n’a pas abouti</h1><p>${escapeHtml(String(out.error_description ?? out.error ?? 'Erreur'))}</p>`,
      );
    },
    // Tokens carry the chosen `acr` (loginResult.acr); keep FranceConnect's short lifetimes.
    ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  };
  const provider = new Provider(options.issuer, configuration);
  const callback = provider.callback();

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const m = /^\/interaction\/([\w-]+)(\/abandon)?$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m) {
      callback(req, res);
      return;
    }
    handleInteraction(provider, identities, acr, req, res, Boolean(m[2])).catch((err: unknown) => {
      if (res.headersSent) return res.end();
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        page(
          'Session expirée',
          `<h1>Cette demande de connexion a expiré</h1><p>Retournez sur le site du service et recommencez.</p><p class="hint">${escapeHtml((err as Error).message)}</p>`,
        ),
      );
    });
  };
  return { provider, handler, jwks };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error('formulaire trop long');
  }
  return new URLSearchParams(body);
}

/** The one interaction page: choose who you are (the demo has no passwords) and agree to share. */
async function handleInteraction(
  provider: Provider,
  identities: FranceConnectIdentity[],
  acr: string,
  req: IncomingMessage,
  res: ServerResponse,
  abandon: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params.client_id ?? '');
  if (req.method === 'POST') {
    const form = await readForm(req);
    if (abandon || form.get('action') === 'abandon') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'La personne a abandonné la connexion.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const person = identities.find((p) => p.sub === form.get('identite'));
    if (!person) {
      return sendPage(res, 400, interactionPage(details.uid, identities, clientId, true));
    }
    const grant = new provider.Grant({ accountId: person.sub, clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: person.sub, acr, amr: ['pwd'] }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  sendPage(res, 200, interactionPage(details.uid, identities, clientId, false));
}

function sendPage(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

const GENDER: Record<string, string> = { female: 'femme', male: 'homme' };

function interactionPage(uid: string, identities: FranceConnectIdentity[], clientId: string, error: boolean): string {
  const people = identities
    .map(
      (p, i) => `<div class="choice">
  <input type="radio" name="identite" id="identite-${i}" value="${escapeHtml(p.sub)}" aria-describedby="identite-${i}-detail" />
  <label for="identite-${i}">${escapeHtml(p.given_name)} ${escapeHtml(p.family_name)}</label>
  <p class="hint" id="identite-${i}-detail">${escapeHtml(GENDER[p.gender] ?? p.gender)}, née ou né le ${escapeHtml(p.birthdate)}${p.preferred_username ? `, nom d’usage ${escapeHtml(p.preferred_username)}` : ''}, ${escapeHtml(p.email)}</p>
</div>`,
    )
    .join('\n');
  return page(
    error ? 'Erreur – Choisissez une identité' : 'Choisissez une identité',
    `${
      error
        ? `<div class="error" role="alert" id="erreur"><h2>Il y a une erreur</h2><p><a href="#identite-0">Choisissez une identité pour continuer.</a></p></div>`
        : ''
    }
<h1>Connexion avec FranceConnect (démonstration)</h1>
<p>Ce fournisseur d’identité sert à essayer Guichet. Les personnes ci-dessous sont fictives : aucun mot de passe n’est demandé.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <fieldset>
    <legend>Avec quelle identité voulez-vous vous connecter ?</legend>
    ${people}
  </fieldset>
  <h2>Données transmises</h2>
  <p>En continuant, vous acceptez que le service <strong>${escapeHtml(clientId)}</strong> reçoive : vos prénoms, votre nom de naissance, votre nom d’usage, votre date et votre lieu de naissance, votre sexe et votre adresse électronique.</p>
  <p class="actions">
    <button type="submit" name="action" value="continuer">Continuer sur le service</button>
    <button type="submit" name="action" value="abandon" class="secondary">Annuler et revenir au service</button>
  </p>
</form>`,
  );
}

/** A self-contained page (no external assets): the provider runs without network access. */
function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(title)} – FranceConnect (démonstration)</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#161616;background:#f6f6f6;line-height:1.5}
header{background:#000091;color:#fff;padding:.75rem 1rem}
header p{margin:0;font-weight:700}
main{max-width:40rem;margin:1.5rem auto;background:#fff;padding:1rem 1.5rem;border:1px solid #ddd}
h1{font-size:1.5rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:700;margin-bottom:.5rem}
.choice{margin:.5rem 0;padding:.5rem;border:1px solid #ddd}
.choice label{font-weight:700;margin-left:.25rem}
.hint{color:#3a3a3a;margin:.25rem 0 0 1.75rem;font-size:.95rem}
button{font:inherit;padding:.6rem 1rem;border:2px solid #000091;background:#000091;color:#fff;cursor:pointer;margin:.25rem .5rem .25rem 0}
button.secondary{background:#fff;color:#000091}
button:focus,input:focus,a:focus{outline:3px solid #0a76f6;outline-offset:2px}
.error{border-left:4px solid #ce0500;padding:.5rem 1rem;margin-bottom:1rem}
.error a{color:#ce0500}
</style>
</head>
<body>
<header><p>FranceConnect – fournisseur de démonstration</p></header>
<main>
${main}
</main>
</body>
</html>`;
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Déconnexion',
    `<h1>Se déconnecter de FranceConnect</h1>
<p>Vous allez être déconnecté de FranceConnect puis renvoyé vers le service.</p>
${form}
<p class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes">Me déconnecter</button>
  <button type="submit" form="op.logoutForm" class="secondary">Rester connecté à FranceConnect</button>
</p>`,
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page('Déconnecté', '<h1>Vous êtes déconnecté de FranceConnect</h1>');
}

export interface RunningFranceConnectProvider {
  issuer: string;
  port: number;
  clientId: string;
  clientSecret: string;
  close: () => Promise<void>;
}

/**
 * The demo provider `npm start` runs next to Guichet. Redirect URIs are the demo commune's
 * addresses (host names and /t/<slug> form) on Guichet's port.
 */
export async function startDemoFranceConnectProvider(options: {
  host: string;
  port: number;
  guichetOrigins: string[];
}): Promise<RunningFranceConnectProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}`;
  const client: FranceConnectClient = {
    clientId: 'guichet-demo',
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUris: options.guichetOrigins.map((o) => `${o}/connexion/franceconnect/retour`),
    postLogoutRedirectUris: options.guichetOrigins.map((o) => `${o}/deconnexion/retour`),
  };
  const fc = await createFranceConnectProvider({ issuer, client });
  server.on('request', fc.handler);
  return {
    issuer,
    port,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
