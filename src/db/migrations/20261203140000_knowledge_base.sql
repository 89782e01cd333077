-- The knowledge base (issue « Knowledge base, plain language, French search and an assistant »,
-- part 1; decision 24). The `demarches` row stays what citizens see; drafts, history, workflow,
-- attachments and « Voir aussi » links live beside it.

-- Every version of an article, numbered from 1 per article: the whole page as one Markdown
-- document with its "## " sections. Versions are never changed, except to note their publication.
create table article_versions (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  demarche_id uuid not null,
  number integer not null check (number >= 1),
  title text not null check (length(title) between 1 and 200),
  summary text not null default '',
  body_markdown text not null,
  keywords text[] not null default '{}',
  service_id uuid not null,
  audience text not null check (audience in ('public', 'internal')),
  author_agent_id uuid,
  note text not null default '' check (length(note) <= 500),
  created_at timestamptz not null default now(),
  -- The readability report of the body when it was saved (platform/plain-language/).
  readability jsonb,
  -- Set when this version was published (it may have been replaced since).
  published_at timestamptz,
  published_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, demarche_id, number),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, author_agent_id) references agents (tenant_id, id) on delete set null (author_agent_id),
  foreign key (tenant_id, published_by) references agents (tenant_id, id) on delete set null (published_by)
);
alter table article_versions enable row level security;
create policy tenant_isolation on article_versions
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The workflow of each article: the state of its latest version (brouillon → relecture → publie,
-- back to brouillon), which version citizens see, who answers for it, when to read it again.
create table knowledge_articles (
  tenant_id uuid not null references tenants (id) on delete cascade,
  demarche_id uuid not null,
  state text not null check (state in ('brouillon', 'relecture', 'publie')),
  latest_version integer not null,
  published_version integer,
  owner_agent_id uuid,
  review_on date,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, demarche_id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, owner_agent_id) references agents (tenant_id, id) on delete set null (owner_agent_id)
);
alter table knowledge_articles enable row level security;
create policy tenant_isolation on knowledge_articles
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Files attached to an article (a form to print, a procedure): checked from their bytes at upload.
create table article_attachments (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  demarche_id uuid not null,
  filename text not null,
  mime_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null,
  content bytea not null,
  uploaded_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, uploaded_by) references agents (tenant_id, id) on delete set null (uploaded_by)
);
create index article_attachments_article on article_attachments (tenant_id, demarche_id);
alter table article_attachments enable row level security;
create policy tenant_isolation on article_attachments
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- « Voir aussi »: a link between two pages, both ways; stored once, the smaller id first.
create table article_links (
  tenant_id uuid not null references tenants (id) on delete cascade,
  first_id uuid not null,
  second_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, first_id, second_id),
  check (first_id < second_id),
  foreign key (tenant_id, first_id) references demarches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, second_id) references demarches (tenant_id, id) on delete cascade
);
create index article_links_second on article_links (tenant_id, second_id);
alter table article_links enable row level security;
create policy tenant_isolation on article_links
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Existing databases: version 1 of every page, its body rebuilt from the stored sections with the
-- corpus's headings, in the corpus's order (jsonb keeps no order), other sections after.
insert into article_versions (tenant_id, demarche_id, number, title, summary, body_markdown, keywords, service_id,
                              audience, note, created_at, published_at)
select d.tenant_id, d.id, 1, d.title, d.summary,
       coalesce((
         select string_agg('## ' || coalesce(h.heading, upper(left(replace(s.key, '-', ' '), 1))
                             || substr(replace(s.key, '-', ' '), 2)) || E'\n\n' || s.value,
                           E'\n\n' order by coalesce(h.position, 100), s.key)
         from jsonb_each_text(d.sections) s
         left join (values ('en-bref', 'En bref', 1),
                           ('qui-est-concerne', 'Qui est concerné', 2),
                           ('ce-qu-il-faut-preparer', 'Ce qu''il faut préparer', 3),
                           ('comment-faire', 'Comment faire', 4),
                           ('delai-et-cout', 'Délai et coût', 5),
                           ('erreurs-frequentes-a-eviter', 'Erreurs fréquentes à éviter', 6),
                           ('besoin-d-aide', 'Besoin d''aide ?', 7)) as h (slug, heading, position)
           on h.slug = s.key
       ), ''),
       d.keywords, d.service_id, d.audience, 'Version reprise du catalogue', d.updated_at, d.published_at
from demarches d
where d.kind in ('demarche', 'information')
  and not exists (select 1 from article_versions v where v.tenant_id = d.tenant_id and v.demarche_id = d.id);

insert into knowledge_articles (tenant_id, demarche_id, state, latest_version, published_version)
select d.tenant_id, d.id, case when d.published_at is null then 'relecture' else 'publie' end, 1,
       case when d.published_at is null then null else 1 end
from demarches d
where d.kind in ('demarche', 'information')
  and not exists (select 1 from knowledge_articles k where k.tenant_id = d.tenant_id and k.demarche_id = d.id);
