import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import {
  HTTP_METHODS,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
} from '../openapi.ts';

interface Operation {
  method: string;
  path: string;
  op: OpenApiOperation;
  anchor: string;
}

const IN_LABELS: Record<OpenApiParameter['in'], string> = {
  path: 'dans l’adresse',
  query: 'après « ? » dans l’adresse',
  header: 'en-tête',
  cookie: 'cookie',
};

/**
 * The API reference as a plain page, generated from the OpenAPI document itself so that both
 * always say the same thing. No JavaScript: schemas are shown as nested lists.
 */
/** `apiBase`: the tenant's configured absolute address (platform/web/public-url.ts). */
export function renderApiDocs(ctx: PageContext, doc: OpenApiDocument, apiBase: string): SafeHtml {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) operations.push({ method, path, op, anchor: anchorFor(method, path, op) });
    }
  }
  const tags = (doc.tags ?? []).filter((t) => operations.some((o) => o.op.tags?.includes(t.name)));
  const untagged = operations.filter((o) => !o.op.tags?.some((t) => tags.some((tag) => tag.name === t)));
  const groups = [
    ...tags.map((t) => ({
      name: t.name,
      description: t.description,
      ops: operations.filter((o) => o.op.tags?.includes(t.name)),
    })),
    ...(untagged.length > 0 ? [{ name: 'Autres', description: undefined, ops: untagged }] : []),
  ];

  const main = html`<h1>${doc.info.title} : documentation</h1>
    <p>Version ${doc.info.version}.</p>
    ${doc.info.description ? html`<p>${doc.info.description}</p>` : ''}
    <p>
      Adresse de l’API : <code>${apiBase}</code>. Le document OpenAPI ${doc.openapi} complet est ici :
      <a href="${url(ctx, '/api/openapi.json')}">document OpenAPI de l’API (JSON)</a>.
    </p>
    <nav aria-labelledby="sommaire-api">
      <h2 id="sommaire-api">Sommaire</h2>
      <ul>
        ${operations.map(
          (o) =>
            html`<li>
              <a href="#${o.anchor}">${o.method.toUpperCase()} ${o.path}${o.op.summary ? ` : ${o.op.summary}` : ''}</a>
            </li>`,
        )}
      </ul>
    </nav>
    ${groups.map(
      (g) =>
        html`<section aria-labelledby="groupe-${slugify(g.name)}">
          <h2 id="groupe-${slugify(g.name)}">${g.name}</h2>
          ${g.description ? html`<p>${g.description}</p>` : ''} ${g.ops.map((o) => renderOperation(o, apiBase))}
        </section>`,
    )}`;

  return layout(ctx, {
    assistantWidget: false,
    title: `${doc.info.title} : documentation`,
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Documentation de l’API' }],
  });
}

function renderOperation(o: Operation, apiBase: string): SafeHtml {
  const { op } = o;
  const params = op.parameters ?? [];
  const body = op.requestBody ? Object.entries(op.requestBody.content) : [];
  return html`<section class="api-operation" aria-labelledby="${o.anchor}">
    <h3 id="${o.anchor}">
      <code>${o.method.toUpperCase()} ${o.path}</code>${op.summary ? html` : ${op.summary}` : ''}
    </h3>
    ${op.description ? html`<p>${op.description}</p>` : ''}
    <h4>Paramètres</h4>
    ${
      params.length === 0
        ? html`<p>Aucun paramètre.</p>`
        : html`<div class="table-wrap">
            <table>
              <caption class="visually-hidden">
                Paramètres de ${o.method.toUpperCase()} ${o.path}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Où</th>
                  <th scope="col">Obligatoire</th>
                  <th scope="col">Type</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                ${params.map(
                  (p) =>
                    html`<tr>
                      <td><code>${p.name}</code></td>
                      <td>${IN_LABELS[p.in] ?? p.in}</td>
                      <td>${p.required ? 'oui' : 'non'}</td>
                      <td>${p.schema ? typeLabel(p.schema) : ''}</td>
                      <td>${p.description ?? p.schema?.description ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <h4>Corps de la requête</h4>
    ${
      body.length === 0
        ? html`<p>Aucun corps.</p>`
        : body.map(
            ([type, content]) =>
              html`<p>
                  Format : <code>${type}</code>.${content.schema.description ? ` ${content.schema.description}` : ''}
                </p>
                ${renderSchema(content.schema)}`,
          )
    }
    <h4>Réponses</h4>
    ${Object.entries(op.responses).map(
      ([status, response]) =>
        html`<h5>${status} : ${response.description ?? ''}</h5>
          ${Object.entries(response.content ?? {}).map(([, content]) => renderSchema(content.schema))}`,
    )}
    <h4>Exemple</h4>
    <pre><code>${curlExample(o, apiBase)}</code></pre>
  </section>`;
}

/** Nested list of an object's fields; other schemas as one line. */
function renderSchema(schema: JsonSchema, depth = 0): SafeHtml {
  const object = objectSchema(schema);
  if (!object || depth > 6) return html`<p>Valeur : ${typeLabel(schema)}.</p>`;
  const required = new Set(object.required ?? []);
  const entries = Object.entries(object.properties ?? {});
  const extra = object.additionalProperties;
  return html`<ul>
    ${entries.map(([name, prop]) => {
      const nested = objectSchema(prop) ?? (prop.items ? objectSchema(prop.items) : null);
      return html`<li>
        <code>${name}</code> (${typeLabel(prop)},
        ${required.has(name) ? 'obligatoire' : 'facultatif'})${prop.description ? ` : ${prop.description}` : ''}
        ${nested && nested.properties ? renderSchema(nested, depth + 1) : ''}
      </li>`;
    })}
    ${
      extra && typeof extra === 'object'
        ? html`<li>
            <code>&lt;nom&gt;</code> (${typeLabel(extra)})${extra.description ? ` : ${extra.description}` : ''}
          </li>`
        : ''
    }
  </ul>`;
}

function objectSchema(schema: JsonSchema): JsonSchema | null {
  if (schema.properties) return schema;
  for (const variant of schema.anyOf ?? schema.oneOf ?? []) if (variant.properties) return variant;
  return null;
}

/** A short French description of a schema's type: "texte", "liste de textes", "objet ou null". */
export function typeLabel(schema: JsonSchema): string {
  if (schema.const !== undefined) return `valeur ${JSON.stringify(schema.const)}`;
  if (schema.enum?.length === 1) return `valeur ${JSON.stringify(schema.enum[0])}`;
  if (schema.enum) return `une valeur parmi ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeLabel).join(' ou ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'toute valeur';
  return types
    .map((t) => {
      switch (t) {
        case 'string':
          return 'texte';
        case 'integer':
          return 'nombre entier';
        case 'number':
          return 'nombre';
        case 'boolean':
          return 'booléen';
        case 'null':
          return 'null';
        case 'array':
          return schema.items ? `liste (${typeLabel(schema.items)})` : 'liste';
        case 'object':
          return 'objet';
        default:
          return t;
      }
    })
    .join(' ou ');
}

function curlExample(o: Operation, apiBase: string): string {
  const lines = [`curl -X ${o.method.toUpperCase()} '${apiBase}${o.path}'`];
  for (const p of o.op.parameters ?? []) {
    if (p.in === 'header') lines.push(`  -H '${headerName(p.name)}: <${p.name.replace(/^x-/, '')}>'`);
  }
  const json = o.op.requestBody?.content['application/json'];
  if (json) {
    lines.push(`  -H 'Content-Type: application/json'`);
    const example = json.example ?? json.schema.examples?.[0] ?? {};
    lines.push(`  --data '${JSON.stringify(example, null, 2).replace(/'/g, "'\\''")}'`);
  }
  return lines.join(' \\\n');
}

function headerName(name: string): string {
  return name
    .split('-')
    .map((w) => (w.length <= 1 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join('-');
}

function anchorFor(method: string, path: string, op: OpenApiOperation): string {
  return `op-${op.operationId ? slugify(op.operationId) : slugify(`${method}-${path}`)}`;
}

function slugify(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
