import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { sendHtml } from '../../platform/web/reply.ts';
import { listPublicCatalogue } from './list-public-catalogue.ts';
import { accessibilityPage } from './views/accessibility-page.ts';
import { contactPage } from './views/contact-page.ts';
import { legalNoticePage } from './views/legal-notice-page.ts';
import { privacyPage } from './views/privacy-page.ts';
import { sitemapPage } from './views/sitemap-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { tenantInboundAddress } from '../inbound-mail/inbound-address.ts';

/** The portal's institutional pages: contact, legal notice, privacy, accessibility, site map. */
export function registerPortalPages(app: FastifyInstance, services: Services): void {
  app.get('/contact', async (request, reply) => {
    const ctx = pageContext(request);
    const inboundAddress =
      services.config.inbound.smtpPort !== 0 || ctx.tenant.inboundAddress
        ? tenantInboundAddress(ctx.tenant, services.config.inbound.domain)
        : null;
    return sendHtml(reply, contactPage(ctx, { inboundAddress }));
  });

  app.get('/mentions-legales', async (request, reply) => sendHtml(reply, legalNoticePage(pageContext(request))));

  app.get('/donnees-personnelles', async (request, reply) => sendHtml(reply, privacyPage(pageContext(request))));

  app.get('/accessibilite', async (request, reply) => {
    const ctx = pageContext(request);
    const siteUrl = `${requestBaseUrl(services.config, request)}/`;
    return sendHtml(reply, accessibilityPage(ctx, { siteUrl, today: services.clock.now() }));
  });

  app.get('/plan-du-site', async (request, reply) => {
    const tenant = requireTenant(request);
    const catalogue = await listPublicCatalogue(services.db, tenant.id);
    return sendHtml(reply, sitemapPage(pageContext(request), catalogue));
  });
}
