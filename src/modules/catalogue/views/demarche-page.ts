import type { DemarcheRow, ServiceRow } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { CHANNEL_LABELS } from '../taxonomy.ts';
import { hasForm } from './components.ts';
import { renderMarkdown } from './markdown.ts';
import { SECTION_ORDER } from './section-order.ts';
import { demarcheReadability, demarcheText } from '../demarche-readability.ts';
import { readabilityBadge, readabilityPanelContent } from '../../../platform/plain-language/readability-hint.ts';

/** "10 jours ouvrés", or null when the article commits to no delay. */
export function delayLabel(days: number | null): string | null {
  if (!days) return null;
  return days === 1 ? '1 jour ouvré' : `${days} jours ouvrés`;
}

/** "en ligne, au guichet ou par courrier". */
export function channelsLabel(channels: string[]): string {
  const words = channels.map((c) => CHANNEL_LABELS[c] ?? c);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ou ${words[words.length - 1]}`;
}

/** The cost, when the "Délai et coût" section states one: its first sentence about price. */
export function costLabel(section: string | undefined): string | null {
  if (!section) return null;
  const sentences = section.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/);
  const found = sentences.find((s) => /€|\bgratuit/i.test(s));
  return found ? found.trim() : null;
}

function titleFromKey(key: string): string {
  const words = key.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The main content of a démarche page depends only on the row and the URL prefix. Rows come
// from the route's one-minute cache, so the rendering (Markdown, escaping) is kept with the row
// object and done again when the cache reloads it. For a visitor who is not signed in, the
// whole page is kept, with a slot for the request's CSP nonce.
const renderedMains = new WeakMap<DemarcheRow, Map<string, SafeHtml>>();
const anonymousPages = new WeakMap<DemarcheRow, Map<string, { tenant: PageContext['tenant']; parts: Buffer[] }>>();
const NONCE_SLOT = '\u0000nonce\u0000';

/**
 * The démarche page, as HTML, or as the bytes of the kept page (UTF-8) for a visitor who is not
 * signed in: sending bytes spares encoding the same text again at each answer.
 */
export function demarchePage(
  ctx: PageContext,
  d: DemarcheRow,
  service: ServiceRow | undefined,
  related: { slug: string; title: string }[] = [],
  bookable = false,
): SafeHtml | Buffer {
  let byBase = renderedMains.get(d);
  if (!byBase) renderedMains.set(d, (byBase = new Map()));
  let main = byBase.get(ctx.base);
  if (!main) byBase.set(ctx.base, (main = demarcheMain(ctx, d, service, related, bookable)));
  const page = {
    title: d.title,
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Démarches', href: '/demarches' }, { label: d.title }],
  };
  if (ctx.citizen || ctx.agent) return layout(ctx, page);

  let pages = anonymousPages.get(d);
  if (!pages) anonymousPages.set(d, (pages = new Map()));
  let cached = pages.get(ctx.base);
  if (!cached || cached.tenant !== ctx.tenant) {
    const shared: PageContext = {
      tenant: ctx.tenant,
      base: ctx.base,
      cspNonce: NONCE_SLOT,
      citizen: null,
      get csrfToken(): string {
        throw new Error('a page kept for every visitor cannot hold a CSRF token');
      },
    };
    const rendered = layout(shared, page).toString();
    // Rendered once for many answers: drop the templates' indentation (a fifth of the bytes).
    // Runs of white space stay white space, so the page reads the same; <pre> and <textarea>,
    // where they would matter, do not occur on these pages, and the page is kept as is if they do.
    const compact = /<(pre|textarea)\b/i.test(rendered) ? rendered : rendered.replace(/\n\s+/g, '\n');
    cached = { tenant: ctx.tenant, parts: compact.split(NONCE_SLOT).map((part) => Buffer.from(part, 'utf8')) };
    pages.set(ctx.base, cached);
  }
  const nonce = Buffer.from(ctx.cspNonce ?? '', 'latin1');
  return Buffer.concat(cached.parts.flatMap((part, i) => (i === 0 ? [part] : [nonce, part])));
}

function demarcheMain(
  ctx: Pick<PageContext, 'base'>,
  d: DemarcheRow,
  service: ServiceRow | undefined,
  related: { slug: string; title: string }[],
  bookable: boolean,
): SafeHtml {
  const online = d.kind === 'demarche' && hasForm(d);
  const formLink =
    online || bookable
      ? html`<p class="cta">
          ${online ? html`<a class="button" href="${url(ctx, `/demarches/${d.slug}/demande`)}">Faire la demande en ligne</a>` : ''}
          ${
            bookable
              ? html`<a class="button${online ? ' button-secondary' : ''}" href="${url(ctx, `/rendez-vous/${d.slug}`)}"
                >Prendre rendez-vous</a
              >`
              : ''
          }
        </p>`
      : '';
  const delay = delayLabel(d.delay_days);
  const cost = costLabel(d.sections['delai-et-cout']);
  const known = new Set(['en-bref', ...SECTION_ORDER.map((s) => s.key)]);
  const extra = Object.keys(d.sections)
    .filter((k) => !known.has(k))
    .map((key) => ({ key, title: titleFromKey(key) }));

  const main = html`<h1>${d.title}</h1>
    ${service ? html`<p>Service : ${service.name}</p>` : ''}
    ${readabilityBadge(demarcheReadability(d), url(ctx, '/contact'))}
    <section aria-labelledby="en-bref">
      <h2 id="en-bref">En bref</h2>
      ${renderMarkdown(d.sections['en-bref'] ?? d.summary)}
    </section>
    ${formLink}
    ${
      d.kind === 'demarche'
        ? html`<dl class="facts">
            <dt>Délai de réponse</dt>
            <dd>${delay ?? html`Voir la partie <a href="#delai-et-cout">Délai et coût</a>`}</dd>
            ${
              d.channels.length > 0
                ? html`<dt>Comment faire la démarche</dt>
                    <dd>${channelsLabel(d.channels)}</dd>`
                : ''
            }
            ${
              cost
                ? html`<dt>Coût</dt>
                    <dd>${cost}</dd>`
                : ''
            }
          </dl>`
        : ''
    }
    ${[...SECTION_ORDER, ...extra]
      .filter((s) => d.sections[s.key])
      .map(
        (s) =>
          html`<section aria-labelledby="${s.key}">
            <h2 id="${s.key}">${s.title}</h2>
            ${
              s.key === 'erreurs-frequentes-a-eviter'
                ? html`<p>
                    Voici les erreurs les plus courantes. Elles retardent souvent les demandes. Si vous vous trompez de
                    bonne foi, vous avez le droit à l’erreur : vous pouvez corriger sans être sanctionné.
                  </p>`
                : ''
            }
            ${renderMarkdown(d.sections[s.key]!)}
          </section>`,
      )}
    ${formLink}
    ${
      related.length > 0
        ? html`<section aria-labelledby="voir-aussi">
            <h2 id="voir-aussi">Voir aussi</h2>
            <ul>
              ${related.map((r) => html`<li><a href="${url(ctx, `/demarches/${r.slug}`)}">${r.title}</a></li>`)}
            </ul>
          </section>`
        : ''
    }`;
  return main;
}

/**
 * The page as citizens see it, for the agents who publish it, followed by its readability in
 * detail: score, level, long sentences highlighted, jargon, passive and nominalisation hints.
 */
export function demarchePreviewPage(ctx: PageContext, d: DemarcheRow, service: ServiceRow | undefined): SafeHtml {
  const report = demarcheReadability(d);
  const main = html`<div class="notice" role="note">
      <p>
        Aperçu : la page telle que les habitants la voient${d.published_at ? '' : ' une fois publiée'}. Sa lisibilité est
        détaillée en bas de la page.
      </p>
    </div>
    ${demarcheMain(ctx, d, service, [], false)}
    <section aria-labelledby="lisibilite" class="readability-hint">
      <h2 id="lisibilite">Lisibilité de la page</h2>
      <p>Ce détail est réservé aux agents. Les habitants voient seulement : « ${report.verdict.label} ».</p>
      ${readabilityPanelContent(demarcheText(d.sections, d.summary), report)}
    </section>`;
  return layout(ctx, {
    title: `Aperçu : ${d.title}`,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Démarches à vérifier', href: '/agent/admin/demarches' },
      { label: 'Aperçu' },
    ],
  });
}
