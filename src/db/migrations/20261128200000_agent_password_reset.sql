-- Agent password reset and ProConnect logout.

-- Reset links are the same kind of single-use, hashed, expiring token as invitations: one table,
-- told apart by their purpose, so there is one token pattern to review.
alter table agent_invitations
  add column purpose text not null default 'invitation' check (purpose in ('invitation', 'password_reset'));

-- The ID token of a session opened with ProConnect, sent back as id_token_hint at logout so the
-- provider closes its own session too. Null for password logins.
alter table agent_sessions
  add column id_token text;
