import { formatBytes, formatDateFr, formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { Article, ArticleVersion, AttachmentListed, LinkedPage } from '../repository.ts';
import { AUDIENCE_LABELS, KNOWLEDGE_PATH, articleBody, stateBadge } from './article-parts.ts';

export interface ArticlePageInput {
  article: Article;
  version: ArticleVersion;
  attachments: AttachmentListed[];
  links: LinkedPage[];
  /** What the viewer may do beyond proposing (knowledge/policy.ts). */
  may: { publish: boolean; unpublish: boolean; setOwner: boolean; link: boolean };
  agents: { id: string; name: string }[];
  linkable: { id: string; title: string }[];
  today: string;
  notice?: string;
  /** A form of the page sent with errors: which one, its errors, what was typed. */
  form?: { kind: 'fichier' | 'responsable' | 'lien'; errors: FieldError[]; values: Record<string, string> };
}

function versionButton(ctx: PageContext, a: Article, path: string, label: string, secondary = true): SafeHtml {
  return html`<form method="post" action="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}/${path}`)}" class="inline-form">
    ${csrfField(ctx)}
    <input type="hidden" name="version" value="${a.latestVersion}" />
    <button type="submit" class="button${secondary ? ' secondary' : ''}">${label}</button>
  </form>`;
}

/** An article as agents read it, with its workflow, owner, files and « Voir aussi » beside it. */
export function articlePage(ctx: PageContext, input: ArticlePageInput): SafeHtml {
  const { article: a, version: v } = input;
  const base = `${KNOWLEDGE_PATH}/${a.demarcheId}`;
  const errors = input.form?.errors ?? [];
  const formValue = (kind: string, name: string, fallback: string) =>
    input.form?.kind === kind ? (input.form.values[name] ?? '') : fallback;
  const stale = a.reviewOn !== null && a.reviewOn < input.today;
  const ownerError = errorOf(errors, 'responsable') || errorOf(errors, 'relire_avant');
  const fileError = errorOf(errors, 'fichier');
  const linkError = errorOf(errors, 'page');
  const linkedIds = new Set(input.links.map((l) => l.id));

  const actions = html`<aside class="workspace-actions" aria-label="Actions sur la page">
    <h2>Actions</h2>
    <p><a class="button" href="${url(ctx, `${base}/modifier`)}">Modifier</a></p>
    ${a.state === 'brouillon' ? versionButton(ctx, a, 'relecture', 'Envoyer en relecture') : ''}
    ${a.state === 'relecture' ? versionButton(ctx, a, 'brouillon', 'Remettre en brouillon') : ''}
    ${input.may.publish && a.state !== 'publie' ? versionButton(ctx, a, 'publier', `Publier la version ${a.latestVersion}`, false) : ''}
    ${
      input.may.unpublish && a.pagePublishedAt !== null
        ? html`<form method="post" action="${url(ctx, `${base}/depublier`)}" class="inline-form">
            ${csrfField(ctx)}
            <button type="submit" class="button secondary">Dépublier</button>
          </form>`
        : ''
    }
    <p><a href="${url(ctx, `${base}/historique`)}">Historique des versions</a></p>
    ${
      input.may.setOwner
        ? html`<h3>Responsable et relecture</h3>
            <form method="post" action="${url(ctx, `${base}/responsable`)}">
              ${csrfField(ctx)}
              <div class="field${ownerError ? ' field-error' : ''}">
                <label for="responsable">Responsable</label>
                ${ownerError ? html`<span class="error-message" id="responsable-error">${ownerError}</span>` : ''}
                <select id="responsable" name="responsable" ${ownerError ? html`aria-describedby="responsable-error" aria-invalid="true"` : ''}>
                  <option value="">Personne</option>
                  ${input.agents.map(
                    (g) =>
                      html`<option value="${g.id}" ${formValue('responsable', 'responsable', a.ownerAgentId ?? '') === g.id ? html`selected` : ''}>
                        ${g.name}
                      </option>`,
                  )}
                </select>
              </div>
              <div class="field">
                <label for="relire_avant">À relire avant le</label>
                <span class="hint" id="relire_avant-hint">Par exemple 31/12/2027. Laissez vide pour aucune date.</span>
                <input
                  type="text"
                  class="input-short"
                  id="relire_avant"
                  name="relire_avant"
                  value="${formValue('responsable', 'relire_avant', a.reviewOn ? formatDateFr(a.reviewOn) : '')}"
                  aria-describedby="relire_avant-hint"
                />
              </div>
              <button type="submit" class="button secondary">Enregistrer</button>
            </form>`
        : ''
    }
    <h3>Fichiers joints</h3>
    ${
      input.attachments.length === 0
        ? html`<p>Aucun fichier.</p>`
        : html`<ul>
            ${input.attachments.map(
              (f) =>
                html`<li>
                  <a href="${url(ctx, `${base}/fichiers/${f.id}`)}">${f.filename}</a> (${formatBytes(f.sizeBytes)})
                  <form method="post" action="${url(ctx, `${base}/fichiers/${f.id}/supprimer`)}" class="inline-form">
                    ${csrfField(ctx)}
                    <button type="submit" class="link-button">Retirer ${f.filename}</button>
                  </form>
                </li>`,
            )}
          </ul>`
    }
    <form method="post" action="${url(ctx, `${base}/fichiers`)}" enctype="multipart/form-data">
      ${csrfField(ctx)}
      <div class="field${fileError ? ' field-error' : ''}">
        <label for="fichier">Joindre un fichier</label>
        <span class="hint" id="fichier-hint">PDF, JPEG ou PNG. Les agents seulement le voient.</span>
        ${fileError ? html`<span class="error-message" id="fichier-error">${fileError}</span>` : ''}
        <input
          type="file"
          id="fichier"
          name="fichier"
          accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
          aria-describedby="fichier-hint${fileError ? ' fichier-error' : ''}"
          ${fileError ? html`aria-invalid="true"` : ''}
        />
      </div>
      <button type="submit" class="button secondary">Joindre</button>
    </form>
    <h3>Voir aussi</h3>
    ${
      input.links.length === 0
        ? html`<p>Aucune page liée.</p>`
        : html`<ul>
            ${input.links.map(
              (l) =>
                html`<li>
                  <a href="${url(ctx, `${KNOWLEDGE_PATH}/${l.id}`)}">${l.title}</a>
                  ${
                    input.may.link
                      ? html`<form method="post" action="${url(ctx, `${base}/liens/${l.id}/supprimer`)}" class="inline-form">
                          ${csrfField(ctx)}
                          <button type="submit" class="link-button">Retirer le lien vers ${l.title}</button>
                        </form>`
                      : ''
                  }
                </li>`,
            )}
          </ul>`
    }
    ${
      input.may.link
        ? html`<form method="post" action="${url(ctx, `${base}/liens`)}">
            ${csrfField(ctx)}
            <div class="field${linkError ? ' field-error' : ''}">
              <label for="page">Lier une page</label>
              <span class="hint" id="page-hint">La page publique montre les pages liées que les habitants peuvent lire.</span>
              ${linkError ? html`<span class="error-message" id="page-error">${linkError}</span>` : ''}
              <select id="page" name="page" aria-describedby="page-hint${linkError ? ' page-error' : ''}">
                ${input.linkable
                  .filter((p) => p.id !== a.demarcheId && !linkedIds.has(p.id))
                  .map((p) => html`<option value="${p.id}">${p.title}</option>`)}
              </select>
            </div>
            <button type="submit" class="button secondary">Lier</button>
          </form>`
        : ''
    }
  </aside>`;

  const main = html`${errorSummary(errors)}
    <div class="workspace">
      <div class="workspace-main">
        <h1>${v.title}</h1>
        <dl class="facts">
          <dt>État</dt>
          <dd>
            ${stateBadge(a.state)} (version ${a.latestVersion})
            ${a.publishedVersion !== null && a.publishedVersion !== a.latestVersion ? html` : les habitants voient la version ${a.publishedVersion}` : ''}
          </dd>
          <dt>Service</dt>
          <dd>${v.serviceName}</dd>
          <dt>Lecteurs</dt>
          <dd>${AUDIENCE_LABELS[v.audience]}</dd>
          <dt>Responsable</dt>
          <dd>${a.ownerName ?? 'Personne'}</dd>
          <dt>À relire avant le</dt>
          <dd>${a.reviewOn ? formatDateFr(a.reviewOn) : '–'} ${stale ? html`<strong class="stale">À relire</strong>` : ''}</dd>
          <dt>Dernière version</dt>
          <dd>${formatDateTimeFr(v.createdAt)}${v.authorName ? `, par ${v.authorName}` : ''}${v.note ? ` : ${v.note}` : ''}</dd>
          ${
            a.pagePublishedAt !== null && v.audience === 'public'
              ? html`<dt>Page publique</dt>
                  <dd><a href="${url(ctx, `/demarches/${a.slug}`)}">/demarches/${a.slug}</a></dd>`
              : ''
          }
        </dl>
        <p class="lead">${v.summary}</p>
        ${articleBody(v.bodyMarkdown)}
      </div>
      ${actions}
    </div>`;
  return layout(ctx, {
    title: v.title,
    main,
    area: 'agent',
    errors,
    notice: input.notice,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Base de connaissances', href: KNOWLEDGE_PATH },
      { label: v.title },
    ],
  });
}
