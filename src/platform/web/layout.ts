import type { Tenant } from '../tenant.ts';
import { html, type SafeHtml } from '../html.ts';
import { CSRF_FIELD } from './csrf.ts';
import type { FieldError } from './form.ts';
import { isReadableOnWhite } from './contrast.ts';

/** What every page needs from the request: the tenant, the URL prefix, the CSRF token. */
export interface PageContext {
  tenant: Tenant;
  /** '' when the tenant comes from the host name, '/t/<slug>' for local use. */
  base: string;
  csrfToken: string;
  /** The request's CSP nonce: the inline <style> carries it (no other inline style or script is allowed). */
  cspNonce?: string;
  /** The signed-in agent, on agent pages. */
  agent?: { name: string } | null;
  /** The signed-in citizen, for the header's "Mon espace" link (citizen pages). */
  citizen?: { name: string } | null;
}

export interface PageOptions {
  title: string;
  main: SafeHtml;
  /** 'citizen' (portal) or 'agent' (back office): changes the header links. */
  area?: 'citizen' | 'agent';
  breadcrumbs?: { label: string; href?: string }[];
  /** Shown at the top of the page after a redirect, e.g. "Statut modifié". */
  notice?: string;
  /**
   * The errors of the form the page shows again, if any: the title then starts with « Erreur – »,
   * so that a screen reader user hears at once that the form came back (RGAA 11.10).
   */
  errors?: readonly { field: string; message: string }[];
  /** False: no assistant panel script on this portal page (the API reference has no script at all). */
  assistantWidget?: boolean;
}

export function url(ctx: Pick<PageContext, 'base'>, path: string): string {
  return `${ctx.base}${path}`;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}" />`;
}

/** The full HTML document around a page's main content. */
export function layout(ctx: PageContext, page: PageOptions): SafeHtml {
  const area = page.area ?? 'citizen';
  const t = ctx.tenant;
  const primary = safeColor(t.theme.primaryColor);
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.errors?.length ? 'Erreur – ' : ''}${page.title} – ${t.name}</title>
        <link rel="stylesheet" href="/static/guichet.css" />
        ${
          primary
            ? html`<style nonce="${ctx.cspNonce ?? ''}">
                :root {
                  --primary: ${primary};
                }
              </style>`
            : ''
        }
      </head>
      <body class="area-${area}">
        <a class="skip-link" href="#contenu">Aller au contenu</a>
        <header class="site-header">
          <div class="container header-inner">
            <a class="brand" href="${url(ctx, area === 'agent' ? '/agent' : '/')}">
              <span class="brand-mark" aria-hidden="true">${(t.theme.logoText ?? t.name).slice(0, 1)}</span>
              <span class="brand-name"
                >${t.theme.logoText ?? t.name}${area === 'agent' ? html` <span class="brand-area">– espace agents</span>` : ''}</span
              >
            </a>
            <nav aria-label="Menu principal">
              <ul class="nav-list">
                ${
                  area === 'agent'
                    ? html`<li><a href="${url(ctx, '/agent/demandes')}">Demandes</a></li>
                        <li><a href="${url(ctx, '/agent/reclamations')}">Réclamations</a></li>
                        <li><a href="${url(ctx, '/agent/usagers')}">Usagers</a></li>
                        <li><a href="${url(ctx, '/agent/rendez-vous')}">Rendez-vous</a></li>
                        <li><a href="${url(ctx, '/agent/guichet')}">Guichet</a></li>
                        <li><a href="${url(ctx, '/agent/connaissances')}">Base de connaissances</a></li>
                        <li><a href="${url(ctx, '/agent/assistant')}">Assistant</a></li>
                        <li><a href="${url(ctx, '/agent/experiences')}">Expériences</a></li>
                        ${
                          ctx.agent
                            ? html`<li><a href="${url(ctx, '/agent/absences')}">Absences</a></li>
                                <li>
                                <form method="post" action="${url(ctx, '/agent/deconnexion')}">
                                  ${csrfField(ctx)}<button type="submit" class="link-button">
                                    Se déconnecter (${ctx.agent.name})
                                  </button>
                                </form>
                              </li>`
                            : ''
                        }`
                    : html`<li><a href="${url(ctx, '/demarches')}">Démarches</a></li>
                        <li><a href="${url(ctx, '/assistant')}" data-assistant-open>Poser une question</a></li>
                        <li><a href="${url(ctx, '/suivi')}">Suivre une demande</a></li>
                        <li><a href="${url(ctx, '/contact')}">Nous contacter</a></li>
                        <li>
                          ${ctx.citizen ? html`<a href="${url(ctx, '/mon-espace')}">Mon espace</a>` : html`<a href="${url(ctx, '/connexion')}">Se connecter</a>`}
                        </li>`
                }
              </ul>
            </nav>
          </div>
        </header>
        ${
          page.breadcrumbs && page.breadcrumbs.length > 0
            ? html`<nav class="container breadcrumbs" aria-label="Fil d'Ariane">
                <ol>
                  ${page.breadcrumbs.map((b, i) =>
                    b.href && i < page.breadcrumbs!.length - 1
                      ? html`<li><a href="${url(ctx, b.href)}">${b.label}</a></li>`
                      : html`<li aria-current="page">${b.label}</li>`,
                  )}
                </ol>
              </nav>`
            : ''
        }
        <main id="contenu" class="container" tabindex="-1">
          ${page.notice ? html`<div class="notice" role="status"><p>${page.notice}</p></div>` : ''} ${page.main}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p class="footer-name">
              ${t.name}${t.contact.phone ? html` · Téléphone : <a href="tel:${t.contact.phone.replace(/\s/g, '')}">${t.contact.phone}</a>` : ''}
            </p>
            <ul class="footer-links">
              <li><a href="${url(ctx, '/contact')}">Nous contacter</a></li>
              <li><a href="${url(ctx, '/mentions-legales')}">Mentions légales</a></li>
              <li><a href="${url(ctx, '/donnees-personnelles')}">Données personnelles</a></li>
              <li><a href="${url(ctx, '/accessibilite')}">Accessibilité : ${t.contact.accessibilityStatus ?? 'non conforme'}</a></li>
              <li><a href="${url(ctx, '/plan-du-site')}">Plan du site</a></li>
              ${area === 'citizen' ? html`<li><a href="${url(ctx, '/consultations')}">Consultations : donnez votre avis</a></li>` : ''}
              ${area === 'citizen' ? html`<li><a href="${url(ctx, '/experiences')}">Vos expériences, nos réponses</a></li>` : ''}
              <li><a href="${url(ctx, '/resultats')}">Nos résultats</a></li>
              ${area === 'citizen' ? html`<li><a href="${url(ctx, '/agent')}">Espace agents</a></li>` : ''}
            </ul>
            <p class="footer-powered">Service proposé avec Guichet, logiciel libre.</p>
          </div>
        </footer>
        ${area === 'citizen' && page.assistantWidget !== false ? html`<script src="/static/assistant.js" defer></script>` : ''}
      </body>
    </html>`;
}

/**
 * Only a plain hex colour can reach the style sheet, and only if links and white button text
 * stay readable with it (4.5:1 on white); otherwise the default colour is kept.
 */
const checkedColors = new Map<string, string | null>();

/** A tenant's colour if it is one and reads on white; checked once per colour, not per page. */
function safeColor(value: string | undefined): string | null {
  if (!value) return null;
  let checked = checkedColors.get(value);
  if (checked === undefined) {
    checked = /^#[0-9a-fA-F]{6}$/.test(value) && isReadableOnWhite(value) ? value : null;
    if (checkedColors.size > 1000) checkedColors.clear();
    checkedColors.set(value, checked);
  }
  return checked;
}

/** The accessible error summary shown at the top of a form that came back with errors. */
export function errorSummary(errors: readonly FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div
    class="error-summary"
    role="alert"
    aria-labelledby="error-summary-title"
    tabindex="-1"
    id="error-summary"
  >
    <h2 id="error-summary-title">
      ${errors.length === 1 ? 'Il y a une erreur dans le formulaire' : `Il y a ${errors.length} erreurs dans le formulaire`}
    </h2>
    <ul>
      ${errors.map((e) => html`<li><a href="#${e.anchor ?? e.field}">${e.message}</a></li>`)}
    </ul>
  </div>`;
}
