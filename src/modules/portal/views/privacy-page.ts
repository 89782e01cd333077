import { html, type SafeHtml } from '../../../platform/html.ts';
import { CSRF_COOKIE } from '../../../platform/web/csrf.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { REGISTRATION_COOKIE } from '../../citizens/registration-browser.ts';
import { dataProtectionOfficer } from '../../privacy/dpo.ts';
import { capitalise, organisation, postalLines, streetLines } from '../../../platform/tenant-wording.ts';

/** The RGPD information notice (articles 13 and 14): who, why, on what basis, how long, your rights. */
export function privacyPage(ctx: PageContext): SafeHtml {
  const t = ctx.tenant;
  const c = t.contact;
  const org = organisation(t);
  const Org = capitalise(org);
  const street = streetLines(c);
  const postal = postalLines(t);
  const email = c.email?.trim() ? c.email : null;
  const dpo = dataProtectionOfficer(t);

  const howToWrite =
    email || postal
      ? html`<ul>
          ${email ? html`<li>par courriel : <a href="mailto:${email}">${email}</a> ;</li>` : ''}
          ${postal ? html`<li>par courrier : ${postal.join(', ')}.</li>` : ''}
        </ul>`
      : html`<p>
          Les coordonnées de ${org} ne sont pas encore indiquées sur ce site. Adressez-vous à l’accueil ou consultez la
          page <a href="${url(ctx, '/contact')}">Nous contacter</a>.
        </p>`;

  const main = html`<h1>Données personnelles</h1>
    <p class="lead">
      Cette page explique comment ${org} utilise vos données quand vous faites une démarche sur ce site. Elle explique
      aussi vos droits.
    </p>

    <h2>Qui est responsable de vos données ?</h2>
    <p>Le responsable du traitement de vos données est ${t.name}.</p>
    ${street ? html`<p>Adresse : ${street.join(', ')}</p>` : ''}

    <h2>Pourquoi nous utilisons vos données</h2>
    <ul>
      <li>Pour traiter votre demande.</li>
      <li>Pour vous informer de l’avancement de votre demande.</li>
      <li>Pour faire des statistiques sans nom, qui nous aident à améliorer le service.</li>
    </ul>

    <h2>Ce qui nous autorise à utiliser vos données</h2>
    <p>
      Nous utilisons vos données pour accomplir une mission d’intérêt public. C’est l’article 6.1.e du règlement général
      sur la protection des données (RGPD).
    </p>
    <p>
      Pour certaines démarches, la loi nous oblige à traiter ces données. C’est une obligation légale (article 6.1.c du
      RGPD).
    </p>

    <h2>Les données que nous recevons</h2>
    <ul>
      <li>Votre nom et vos coordonnées : adresse de courriel, numéro de téléphone.</li>
      <li>Les informations et les documents que vous donnez pour la démarche.</li>
      <li>L’historique de votre demande : dates, étapes, messages échangés.</li>
    </ul>
    <p>Nous demandons seulement les données utiles à la démarche.</p>

    <h2>Qui peut voir vos données</h2>
    <p>Seuls les agents des services de ${org} chargés de votre demande peuvent voir vos données.</p>
    <p>
      Parfois, la loi oblige à transmettre votre dossier à une autre administration. Dans ce cas, la démarche vous le
      dit.
    </p>
    <p>Nous ne vendons pas vos données.</p>
    <p>Vos données ne sont pas envoyées hors de l’Union européenne.</p>

    <h2>Combien de temps nous gardons vos données</h2>
    <p>Nous gardons vos données pendant le temps nécessaire pour traiter votre demande.</p>
    <p>
      Ensuite, le dossier est archivé selon les règles des archives publiques (code du patrimoine). Ces règles fixent
      une durée pour chaque type de dossier.
    </p>
    <p>À la fin de cette durée, le dossier est détruit ou confié au service d’archives, selon la règle.</p>

    <h2>Vos droits</h2>
    <p>Vous avez le droit :</p>
    <ul>
      <li>de savoir quelles données nous avons sur vous et d’en recevoir une copie (droit d’accès) ;</li>
      <li>de faire corriger une donnée fausse (droit de rectification) ;</li>
      <li>de faire effacer vos données, quand la loi ne nous oblige pas à les garder (droit à l’effacement) ;</li>
      <li>de demander que nous utilisions moins vos données pendant un temps (droit à la limitation) ;</li>
      <li>de vous opposer à l’utilisation de vos données, pour un motif lié à votre situation (droit d’opposition).</li>
    </ul>

    <h2>Comment exercer vos droits</h2>
    <p>Écrivez à ${org} :</p>
    ${howToWrite}
    <p>Indiquez votre nom. Si vous l’avez, indiquez aussi le numéro de votre demande.</p>
    <p>Nous vous répondons dans un délai d’un mois.</p>

    <p>
      Si vous avez un compte, vous pouvez aussi télécharger vos données, retirer un accord ou demander l’effacement de
      vos données dans <a href="${url(ctx, '/mon-espace/donnees')}">Mon espace, rubrique « Mes données »</a>. Sans
      compte, la page de suivi de votre demande permet de télécharger les données de cette demande.
    </p>

    <h2>Délégué à la protection des données</h2>
    <p>${Org} a un délégué à la protection des données. Il veille au respect de vos droits.</p>
    ${
      dpo.declared
        ? html`<p>Pour le joindre :</p>
            <ul>
              <li>${dpo.name} ;</li>
              ${dpo.email ? html`<li>par courriel : <a href="mailto:${dpo.email}">${dpo.email}</a> ;</li>` : ''}
              ${dpo.postalAddress ? html`<li>par courrier : ${dpo.postalAddress.join(', ')}.</li>` : ''}
            </ul>`
        : html`<p>
            Pour le joindre, écrivez à ${org} aux coordonnées ci-dessus. Ajoutez la mention « À l’attention du délégué à
            la protection des données ».
          </p>`
    }

    <h2>Réclamation auprès de la CNIL</h2>
    <p>
      Vous pensez que vos droits ne sont pas respectés ? Vous pouvez faire une réclamation auprès de la Commission
      nationale de l’informatique et des libertés (CNIL).
    </p>
    <p><a href="https://www.cnil.fr/fr/plaintes">Faire une réclamation sur le site de la CNIL (cnil.fr)</a></p>

    <h2>Cookies</h2>
    <p>
      Ce site dépose un seul cookie technique, nommé « ${CSRF_COOKIE} », quand vous ouvrez une page avec un
      formulaire. Il protège les formulaires : il vérifie que le formulaire envoyé vient bien de ce site.
    </p>
    <p>Ce cookie est indispensable. Il ne sert pas à vous suivre.</p>
    <p>Ce site n’utilise aucun cookie de mesure d’audience ni de publicité.</p>
    <p>Les agents qui se connectent à l’espace agents reçoivent en plus un cookie de connexion.</p>
    <p>
      Si vous créez un compte, ce navigateur reçoit pendant 24 heures un cookie nommé « ${REGISTRATION_COOKIE} » : le lien
      de confirmation envoyé par courriel confirme votre adresse sans autre question quand vous l’ouvrez dans ce même
      navigateur.
    </p>`;

  return layout(ctx, {
    title: 'Données personnelles',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Données personnelles' }],
  });
}
