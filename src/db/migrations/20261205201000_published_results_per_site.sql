-- « Nos résultats » per site (« Par lieu d'accueil »): the daily job publishes one document per
-- active appointment site too, scope 'site:<id>' (modules/results, decision 36).
alter table published_results drop constraint published_results_scope_check;
alter table published_results add constraint published_results_scope_check
  check (scope ~ '^(commune|service:[0-9a-f-]{36}|site:[0-9a-f-]{36})$');
