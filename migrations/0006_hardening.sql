-- Hardening: a disabled account's sessions stay dead when it is re-enabled.

-- Bumped whenever an account is disabled; a session remembers the epoch it was signed in
-- at and is worthless once they differ.
alter table users add column session_epoch integer not null default 0;
