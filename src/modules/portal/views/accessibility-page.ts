import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { capitalise, frenchDate, organisation, postalLines, telHref } from '../../../platform/tenant-wording.ts';

export interface AccessibilityPageInput {
  /** The address of this portal, as the visitor reached it. */
  siteUrl: string;
  today: Date;
}

/** The accessibility statement, following the RGAA 4.1 model. */
export function accessibilityPage(ctx: PageContext, input: AccessibilityPageInput): SafeHtml {
  const t = ctx.tenant;
  const c = t.contact;
  const org = organisation(t);
  const Org = capitalise(org);
  const status = c.accessibilityStatus ?? 'non conforme';
  const auditDate = c.accessibilityAuditDate?.trim() ? c.accessibilityAuditDate : null;
  const postal = postalLines(t);
  const siteName = `Le site des démarches de ${t.name}`;

  const main = html`<h1>Déclaration d’accessibilité</h1>
    <p class="lead">
      ${t.name} s’engage à rendre ses sites internet accessibles, comme le demande l’article 47 de la loi n° 2005-102 du
      11 février 2005.
    </p>
    <p>
      Cette déclaration s’applique au site des démarches de ${t.name} :
      <a href="${input.siteUrl}">${input.siteUrl}</a>.
    </p>

    <h2>État de conformité</h2>
    <p>
      ${siteName} est <strong>${status}</strong> avec le référentiel général d’amélioration de l’accessibilité (RGAA),
      version 4.1.
    </p>
    ${
      auditDate
        ? html`<p>Le dernier audit d’accessibilité date du ${frenchDate(auditDate)}.</p>`
        : html`<p>Aucun audit complet n’a encore été réalisé.</p>`
    }

    <h2>Résultats des tests</h2>
    ${
      auditDate
        ? html`<p>
            Un audit a été réalisé le ${frenchDate(auditDate)}. Pour connaître le détail des résultats,
            <a href="${url(ctx, '/contact')}">contactez ${org}</a>.
          </p>`
        : html`<p>Les 106 critères du RGAA n’ont pas encore été vérifiés un par un lors d’un audit.</p>`
    }
    <p>
      Des tests automatiques sont lancés avec l’outil axe-core sur chaque page du parcours des usagers. Ces tests
      trouvent seulement une partie des problèmes possibles.
    </p>

    <h2>Contenus non accessibles</h2>
    ${
      auditDate
        ? html`<p>La liste des contenus non accessibles relevés par l’audit est disponible auprès de ${org}.</p>`
        : html`<p>Nous ne connaissons pas encore de contenu non accessible.</p>
            <p>Cette liste sera complétée après l’audit.</p>`
    }
    <h3>Documents PDF</h3>
    <p>
      Les documents PDF du site (le récépissé de dépôt d’une demande, l’export de vos données) ne sont pas encore
      balisés : un lecteur d’écran lit leur texte dans l’ordre, en français, avec leur titre, mais ne reconnaît pas
      leurs titres de sections ni leurs listes (critère 13.3 du RGAA).
    </p>
    <p>
      Le même contenu existe sous forme de page web accessible : la page de suivi de votre demande reprend tout le
      récépissé (numéro, code de suivi, dates, réponses, documents), et votre espace personnel montre vos données. Sur
      demande, ${org} vous envoie ces informations sous une autre forme.
    </p>
    <p>
      Ce que nous prévoyons : produire des PDF balisés (structure de titres, paragraphes et listes, selon la norme
      PDF/UA), puis les vérifier avec un lecteur d’écran.
    </p>
    <p>Si un contenu vous pose problème, dites-le-nous : nous le corrigerons.</p>

    <h2>Établissement de cette déclaration</h2>
    <p>Cette déclaration est à jour au ${frenchDate(input.today)}.</p>
    <p>Elle reprend les informations déclarées par ${org}.</p>
    <p>Technologies utilisées pour réaliser le site :</p>
    <ul>
      <li>HTML5 ;</li>
      <li>CSS ;</li>
      <li>PDF, pour le récépissé et l’export des données.</li>
    </ul>
    <p>Le site fonctionne sans JavaScript.</p>
    <p>Outils utilisés pour vérifier l’accessibilité :</p>
    <ul>
      <li>axe-core, pour les tests automatiques ;</li>
      <li>la navigation au clavier seul, lors de l’audit ;</li>
      <li>des lecteurs d’écran (NVDA, VoiceOver), lors de l’audit.</li>
    </ul>

    <h2>Retour d’information et contact</h2>
    <p>Vous n’arrivez pas à utiliser un contenu ou un service du site ? Contactez ${org}.</p>
    <p>Nous vous aiderons à obtenir l’information ou à faire la démarche autrement.</p>
    ${
      c.email?.trim() || c.phone?.trim() || postal
        ? html`<ul>
            ${c.email?.trim() ? html`<li>Par courriel : <a href="mailto:${c.email}">${c.email}</a></li>` : ''}
            ${c.phone?.trim() ? html`<li>Par téléphone : <a href="${telHref(c.phone)}">${c.phone}</a></li>` : ''}
            ${postal ? html`<li>Par courrier : ${postal.join(', ')}</li>` : ''}
          </ul>`
        : html`<p>${Org} n’a pas encore indiqué ses coordonnées sur ce site. Adressez-vous à son accueil.</p>`
    }

    <h2>Voies de recours</h2>
    <p>
      Vous avez signalé un défaut d’accessibilité qui vous empêche d’utiliser un contenu ou un service ? Vous n’avez pas
      obtenu de réponse satisfaisante ? Vous pouvez alors contacter le Défenseur des droits :
    </p>
    <ul>
      <li>
        <a href="https://formulaire.defenseurdesdroits.fr/"
          >écrire un message au Défenseur des droits (formulaire en ligne)</a
        >
        ;
      </li>
      <li>
        <a href="https://www.defenseurdesdroits.fr/saisir/delegues"
          >trouver le délégué du Défenseur des droits dans votre région</a
        >
        ;
      </li>
      <li>appeler le <a href="tel:0969390000">09 69 39 00 00</a> ;</li>
      <li>
        envoyer un courrier par la poste (gratuit, ne mettez pas de timbre) : Défenseur des droits, Libre réponse 71120,
        75342 Paris CEDEX 07.
      </li>
    </ul>`;

  return layout(ctx, {
    title: 'Déclaration d’accessibilité',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Accessibilité' }],
  });
}
