-- Sign-up by confirmed email (issue 11, #25). A sign-up no longer makes an account: it
-- records a request and mails a link to the address; the account is made when the link
-- is followed. Whether or not the address already has an account, the form answers the
-- same, so it no longer tells anyone which addresses are registered.
create table signup_requests (
    id            bigint generated always as identity primary key,
    email         text not null check (length(email) between 3 and 254 and email like '%_@_%'),
    display_name  text not null check (length(btrim(display_name)) between 1 and 80),
    password_hash text not null,
    -- SHA-256 of the secret in the mailed link; the secret itself is never stored.
    token_hash    bytea not null unique check (length(token_hash) = 32),
    -- Where to go once signed in (checked by safe_next when the request was made).
    next          text not null default '/',
    created_at    timestamptz not null default now(),
    -- Set when the link is followed: a link works once.
    used_at       timestamptz
);
