-- Earlier requests are linked to an account only with proof (decision 10).
--
-- An email confirmation link is bound to the browser that asked for it: the sha256 of a random
-- value kept in that browser's cookie. Opened elsewhere, the link asks for the account's password.
-- Null for links issued before this migration and for password reset links: those ask for it too.
alter table citizen_tokens add column browser_hash text;

-- A citizen attaching a request to their account with its reference and tracking code is logged
-- with the other acts on personal data.
alter table personal_data_access_log drop constraint personal_data_access_log_action_check;
alter table personal_data_access_log add constraint personal_data_access_log_action_check
  check (action in ('view_request', 'download_document', 'export', 'erasure', 'withdraw_consent', 'link_request'));
