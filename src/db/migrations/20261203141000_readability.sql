-- Readability reports stored with the texts citizens read (platform/plain-language, decision 0025).
-- Computed by the application (SQL cannot run the analysis): at save for reply templates, at seed,
-- copy and publication for démarches, at sending for agents' messages (a short summary). Rows
-- written before this migration keep null and are analysed when read; a report of an older
-- version is analysed again the same way.
alter table reply_templates add column readability jsonb;
alter table demarches add column readability jsonb;
alter table request_events add column readability jsonb;
