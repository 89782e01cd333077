import { isAdminOf, isStaffOf, type Actor, type ArticleResource, type Rules } from '../../platform/policy.ts';

/** An administrator, or a supervisor of every service the article belongs to. */
function leadsArticle(actor: Actor, article: ArticleResource): boolean {
  if (isAdminOf(actor, article.tenantId)) return true;
  if (!isStaffOf(actor, article.tenantId) || actor.role !== 'supervisor') return false;
  return article.serviceIds.length > 0 && article.serviceIds.every((id) => actor.serviceIds.includes(id));
}

/**
 * Who writes and who publishes the knowledge base.
 *
 * - Every agent of the tenant reads every article, public and internal: they answer citizens
 *   with them.
 * - Every agent proposes: writes a draft, restores an old version as a draft, sends it to
 *   relecture or back to brouillon, attaches files (agents only see them).
 * - What citizens see, and who answers for it, is decided by those who lead the article's
 *   service: its supervisors and the administrators publish, unpublish, set the owner and the
 *   review date, and link pages (« Voir aussi » shows on the public page at once).
 */
export const knowledgeRules: Rules<
  'read_knowledge' | 'write_articles' | 'publish_article' | 'unpublish_article' | 'set_article_owner' | 'link_articles'
> = {
  read_knowledge: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  write_articles: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  publish_article: leadsArticle,
  unpublish_article: leadsArticle,
  set_article_owner: leadsArticle,
  link_articles: leadsArticle,
};
