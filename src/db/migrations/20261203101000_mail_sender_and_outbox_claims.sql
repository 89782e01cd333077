-- Mail that looks like the commune's, sent without holding the outbox locked.
--
-- Sender: each tenant may name the sender of its mail and its address. Null means the default:
-- « Mairie de <name> » (a commune) or the collectivité's name, at MAIL_FROM's address. Reply-To
-- defaults to the tenant's contact address, so a citizen who answers a mail anyway reaches a
-- person and not an unread mailbox.
alter table tenants
  add column mail_sender_name text check (mail_sender_name is null or length(mail_sender_name) between 1 and 120),
  add column mail_sender_address text check (mail_sender_address is null or mail_sender_address ~ '^[^@\s<>]+@[^@\s<>]+$'),
  add column mail_reply_to text check (mail_reply_to is null or mail_reply_to ~ '^[^@\s<>]+@[^@\s<>]+$');

-- Outbox claims: a sender takes rows by setting claimed_until in a short transaction, commits,
-- talks to the SMTP server with no transaction open, then marks each row sent or failed. A
-- sender that dies mid-way leaves a claim that expires, and the row is sent again.
alter table mail_outbox add column claimed_until timestamptz;

-- The tracking code sealed with a key derived from SESSION_SECRET, so that the status mail can
-- carry the direct tracking link (decision 0010). Null for requests filed before, and after
-- anonymisation: their mails point to the lookup page.
alter table requests add column tracking_secret_sealed text;
