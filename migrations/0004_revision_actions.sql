-- Revision actions say what happened: a token is revoked (not hidden), an account is
-- disabled and enabled (not hidden and restored). Rows recorded before keep their meaning
-- under the new words.

alter table revisions drop constraint revisions_action_check;

update revisions set action = 'revoke' where object_kind = 'api_token' and action = 'hide';
update revisions set action = 'disable' where object_kind = 'user' and action = 'hide';
update revisions set action = 'enable' where object_kind = 'user' and action = 'restore';

alter table revisions add constraint revisions_action_check check (action in (
    'create', 'edit', 'hide', 'restore', 'merge', 'import', 'link', 'unlink', 'resolve',
    'revoke', 'disable', 'enable'));
