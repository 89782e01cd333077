-- Satisfaction per site (issue 12): a visit at the counter (a ticket served) gets its own survey
-- invitation, and answers, invitations and counter tablets say at which site they were given, so
-- that « Nos résultats » of a place (the mairie, an annexe, France services) publishes its own
-- satisfaction beside the wait at its counters.

alter table survey_invitations
  add column site_id uuid,
  add column ticket_id uuid,
  add foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete set null (site_id),
  add foreign key (tenant_id, ticket_id) references counter_tickets (tenant_id, id) on delete set null (ticket_id);
-- One invitation per ticket served, like one per request.
create unique index survey_invitations_ticket on survey_invitations (tenant_id, ticket_id)
  where ticket_id is not null;
alter table survey_invitations drop constraint survey_invitations_interaction_check;
alter table survey_invitations add constraint survey_invitations_interaction_check
  check (interaction in ('request', 'contact', 'assistant', 'visit'));

alter table survey_answers
  add column site_id uuid,
  add foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete set null (site_id);
alter table survey_answers drop constraint survey_answers_interaction_check;
alter table survey_answers add constraint survey_answers_interaction_check
  check (interaction in ('request', 'contact', 'assistant', 'kiosk', 'visit'));
create index survey_answers_site_day on survey_answers (tenant_id, site_id, answered_on)
  where site_id is not null;

alter table survey_kiosks
  add column site_id uuid,
  add foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete set null (site_id);
