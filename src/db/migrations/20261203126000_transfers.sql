-- An item transferred from one service to another, with the reason, is on the timeline (agents only).
alter table request_events drop constraint request_events_kind_check;
alter table request_events add constraint request_events_kind_check
  check (kind in ('submitted', 'email_received', 'status_changed', 'citizen_message', 'agent_message',
    'internal_note', 'assigned', 'deadline_extended', 'transferred'));
