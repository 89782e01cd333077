-- Personal data rights, continued: consent withdrawal, the data protection officer of each
-- tenant, and consent withdrawals in the access log.

-- Whether a consent may be withdrawn, decided from the form when it was given and kept with the
-- proof: an optional consent checkbox is a free consent, withdrawable at any time (RGPD art.
-- 7.3); a required one is a condition of the démarche (an attestation on honour, say): it cannot
-- be withdrawn, the citizen may ask for erasure instead. See privacy/consents.ts.
alter table consents add column withdrawable boolean not null default true;
update consents c
  set withdrawable = false
  from demarches d
  where d.tenant_id = c.tenant_id
    and d.id = c.demarche_id
    and c.method = 'form_checkbox'
    and d.form is not null
    and jsonb_path_exists(
      d.form,
      '$.sections[*].fields[*] ? (@.name == $n && @.required == true)',
      jsonb_build_object('n', c.subject));

-- A consent is evidence: its record never changes. The only update allowed is the withdrawal,
-- once, of a withdrawable consent. Rows still go with the account or request they belong to.
create function guichet_consent_guard() returns trigger
  language plpgsql
  as $$
  begin
    if (new.tenant_id, new.id, new.citizen_id, new.request_id, new.demarche_id, new.subject, new.wording,
        new.version, new.method, new.given_at, new.withdrawable)
       is distinct from
       (old.tenant_id, old.id, old.citizen_id, old.request_id, old.demarche_id, old.subject, old.wording,
        old.version, old.method, old.given_at, old.withdrawable) then
      raise exception 'consents keep their original record (only a withdrawal may be added)'
        using errcode = 'insufficient_privilege';
    end if;
    if old.withdrawn_at is not null and new.withdrawn_at is distinct from old.withdrawn_at then
      raise exception 'a consent withdrawal is final' using errcode = 'insufficient_privilege';
    end if;
    if new.withdrawn_at is not null and old.withdrawn_at is null and not old.withdrawable then
      raise exception 'this consent is a condition of the démarche and cannot be withdrawn'
        using errcode = 'insufficient_privilege';
    end if;
    return new;
  end $$;
create trigger consents_evidence
  before update on consents
  for each row execute function guichet_consent_guard();

-- The data protection officer (DPO) the commune designated: {"name", "email", "postalAddress"},
-- each optional. Empty, the pages fall back to the commune's own contact (privacy/dpo.ts).
alter table tenants add column dpo jsonb not null default '{}'::jsonb;

-- The citizen's consent withdrawals are logged with the other acts on their data.
alter table personal_data_access_log drop constraint personal_data_access_log_action_check;
alter table personal_data_access_log add constraint personal_data_access_log_action_check
  check (action in ('view_request', 'download_document', 'export', 'erasure', 'withdraw_consent'));
