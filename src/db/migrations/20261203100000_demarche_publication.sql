-- Démarches « à vérifier »: a new commune's catalogue is copied from the model catalogue shipped
-- with Guichet (src/modules/catalogue/model/), and none of it is shown to citizens until an
-- administrator has read each page and published it. published_at is null until then.
-- Existing démarches (the demo's, earlier tenants') were live already: they count as published.
alter table demarches add column published_at timestamptz default now();
