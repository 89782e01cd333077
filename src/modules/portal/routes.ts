import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import type { SafeHtml } from '../../platform/html.ts';
import { listPublicCatalogue } from './list-public-catalogue.ts';
import { accessibilityPage } from './views/accessibility-page.ts';
import { contactPage } from './views/contact-page.ts';
import { legalNoticePage } from './views/legal-notice-page.ts';
import { privacyPage } from './views/privacy-page.ts';
import { sitemapPage } from './views/sitemap-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

function sendPage(reply: FastifyReply, page: SafeHtml) {
  return reply.type('text/html; charset=utf-8').send(page.toString());
}

/** The portal's institutional pages: contact, legal notice, privacy, accessibility, site map. */
export function registerPortalPages(app: FastifyInstance, services: Services): void {
  app.get('/contact', async (request, reply) => sendPage(reply, contactPage(pageContext(request))));

  app.get('/mentions-legales', async (request, reply) => sendPage(reply, legalNoticePage(pageContext(request))));

  app.get('/donnees-personnelles', async (request, reply) => sendPage(reply, privacyPage(pageContext(request))));

  app.get('/accessibilite', async (request, reply) => {
    const ctx = pageContext(request);
    const siteUrl = `${requestBaseUrl(services.config, request)}/`;
    return sendPage(reply, accessibilityPage(ctx, { siteUrl, today: services.clock.now() }));
  });

  app.get('/plan-du-site', async (request, reply) => {
    const tenant = requireTenant(request);
    const catalogue = await listPublicCatalogue(services.db, tenant.id);
    return sendPage(reply, sitemapPage(pageContext(request), catalogue));
  });
}
