-- Contributors: sign-in throttling and replies in review threads.

-- Every sign-in attempt, so failures can be rate-limited on any server instance.
create table sign_in_attempts (
    id         bigint generated always as identity primary key,
    email      text not null check (length(email) <= 254),
    ip         text not null check (length(ip) <= 64),
    succeeded  boolean not null,
    created_at timestamptz not null default now()
);
create index sign_in_attempts_email_idx on sign_in_attempts (lower(email), created_at);
create index sign_in_attempts_ip_idx on sign_in_attempts (ip, created_at);

-- A claim's author (or a moderator) answering a review.
create table review_replies (
    id         bigint generated always as identity primary key,
    review_id  bigint not null references claim_reviews,
    user_id    bigint not null references users,
    body       text not null check (length(btrim(body)) between 1 and 4000),
    created_at timestamptz not null default now()
);
create index review_replies_review_id_idx on review_replies (review_id);
create trigger review_replies_forbid_delete before delete on review_replies
    for each row execute function forbid_delete();

alter table revisions drop constraint revisions_object_kind_check;
alter table revisions add constraint revisions_object_kind_check check (object_kind in (
    'actor', 'debate', 'source', 'proposal', 'tension', 'proposal_tension', 'claim',
    'quote', 'relation', 'annotation', 'claim_review', 'review_reply', 'suggestion', 'user', 'api_token', 'map'));
