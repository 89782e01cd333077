-- Which reminders an appointment got, by the start they were for: a reminder job run twice (a
-- worker that died after queueing the messages) sends nothing the second time, and a moved
-- appointment gets the reminders of its new time (modules/appointments/reminders.ts).
alter table appointments add column reminder_48h_sent_for timestamptz;
alter table appointments add column reminder_2h_sent_for timestamptz;
