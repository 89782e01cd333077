-- IMAP polling (issue 8, item 1): for a tenant whose mail is hosted elsewhere, Guichet reads a
-- mailbox of its own every minute and runs each new message through the same pipeline as the
-- SMTP listener. See docs/decisions/0021-imap-polling.md.

-- One mailbox per tenant. The password is sealed like the agents' TOTP secrets (AES-256-GCM, key
-- derived from SESSION_SECRET, the tenant and mailbox ids as authenticated data): a database dump
-- does not give it away.
create table imap_mailboxes (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  host text not null check (length(host) between 1 and 253),
  port integer not null check (port between 1 and 65535),
  -- 'tls': TLS from the start (993); 'starttls': plain then STARTTLS, required (143); 'none': no
  -- encryption at all (a server on the same machine or network only).
  tls_mode text not null check (tls_mode in ('tls', 'starttls', 'none')),
  username text not null check (length(username) between 1 and 320),
  password_sealed text not null,
  -- The folder read (INBOX), and where a message goes once stored (created if missing).
  folder text not null default 'INBOX' check (length(folder) between 1 and 200),
  processed_folder text not null default 'Guichet/Traités' check (length(processed_folder) between 1 and 200),
  enabled boolean not null default true,
  -- The folder's UIDVALIDITY when last read, and the highest UID seen under it: UIDs above it
  -- are new. A new UIDVALIDITY makes every UID of the folder new again (see poll-mailbox.ts).
  uid_validity bigint,
  last_uid bigint not null default 0,
  -- Keeps a second poll of the same mailbox off while one runs (several instances).
  poll_locked_until timestamptz,
  last_poll_at timestamptz,
  last_success_at timestamptz,
  -- The last failure, as administrators read it (« Mot de passe refusé… »); null after a success.
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id)
);

-- Each message of the folder Guichet has seen, keyed by (UIDVALIDITY, UID). Its status goes
-- pending → stored (in the same transaction as the item it opened or was threaded onto: exactly
-- once) → done (flagged \Seen and moved); or failed, after too many attempts (left in the
-- folder, shown to the administrators). No address, no subject: only what polling needs.
create table imap_messages (
  tenant_id uuid not null,
  mailbox_id uuid not null,
  uid_validity bigint not null,
  uid bigint not null,
  -- SHA-256 of the Message-ID (else of the date and size): the same message after a UIDVALIDITY change.
  message_key text not null,
  size_bytes integer not null default 0,
  status text not null default 'pending' check (status in ('pending', 'stored', 'done', 'failed')),
  attempts integer not null default 0,
  last_error text,
  first_seen_at timestamptz not null default now(),
  stored_at timestamptz,
  finished_at timestamptz,
  primary key (tenant_id, mailbox_id, uid_validity, uid),
  foreign key (tenant_id, mailbox_id) references imap_mailboxes (tenant_id, id) on delete cascade
);
create index imap_messages_open on imap_messages (tenant_id, mailbox_id, uid) where status in ('pending', 'stored');
create index imap_messages_failed on imap_messages (tenant_id, mailbox_id, first_seen_at desc) where status = 'failed';
create index imap_messages_key on imap_messages (tenant_id, mailbox_id, message_key);

do $$
declare t text;
begin
  foreach t in array array['imap_mailboxes', 'imap_messages']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;

-- The scheduler queues one poll per enabled mailbox across tenants, before any tenant scope:
-- like guichet_tenant_ids, it runs as the schema owner and returns only ids.
create function guichet_enabled_imap_mailboxes() returns table (tenant_id uuid, id uuid)
  language sql stable security definer set search_path = public
  as $$ select tenant_id, id from imap_mailboxes where enabled order by tenant_id $$;
