-- argmap's schema: the whole domain of docs/product.md.
--
-- Conventions:
-- * Every table has a bigint identity key; objects people cite also have a unique slug.
-- * Nothing the application owns is ever deleted: objects are hidden (hidden_at) and
--   restored, links are retired (removed_at). A trigger refuses DELETE on content tables.
-- * Every write is recorded in `revisions` in the same transaction (who, when, before,
--   after), so the history of any object can be shown and any hide undone.
-- * `version` supports optimistic locking: an edit names the version it read.

create extension if not exists pg_trgm;

-- Shared helpers ------------------------------------------------------------------------

-- Stamps updated_at on every update, unless the update sets it itself (a restore does).
create function set_updated_at() returns trigger language plpgsql as $$
begin
    if new.updated_at is not distinct from old.updated_at then
        new.updated_at := now();
    end if;
    return new;
end
$$;

create function forbid_delete() returns trigger language plpgsql as $$
begin
    raise exception 'rows of % are never deleted: hide or retire them instead', tg_table_name
        using errcode = 'restrict_violation';
end
$$;

create domain slug as text
    check (value ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(value) between 1 and 80);

-- People ---------------------------------------------------------------------------------

create table users (
    id            bigint generated always as identity primary key,
    email         text not null check (length(email) between 3 and 254 and email like '%_@_%'),
    display_name  text not null check (length(btrim(display_name)) between 1 and 80),
    password_hash text not null,
    role          text not null default 'contributor'
                  check (role in ('contributor', 'moderator', 'admin')),
    disabled_at   timestamptz,
    version       integer not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

-- tower-sessions' PostgreSQL store reads and writes this table.
create schema tower_sessions;
create table tower_sessions.session (
    id          text primary key,
    data        bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry_date_idx on tower_sessions.session (expiry_date);

create table api_tokens (
    id           bigint generated always as identity primary key,
    user_id      bigint not null references users,
    name         text not null check (length(btrim(name)) between 1 and 80),
    -- SHA-256 of the secret: the secret itself is shown once and never stored.
    token_hash   bytea not null unique check (length(token_hash) = 32),
    created_at   timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_tokens_user_id_idx on api_tokens (user_id);

-- Actors: who makes claims (authors, and people or bodies reported as speaking) --------

create table actors (
    id         bigint generated always as identity primary key,
    slug       slug not null unique,
    name       text not null check (length(btrim(name)) between 1 and 200),
    kind       text not null check (kind in ('person', 'organisation', 'office')),
    handle     text check (length(handle) between 1 and 100),
    about      text check (length(about) <= 2000),
    hidden_at  timestamptz,
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Debates and sources --------------------------------------------------------------------

create table debates (
    id         bigint generated always as identity primary key,
    slug       slug not null unique,
    title      text not null check (length(btrim(title)) between 1 and 200),
    summary    text not null default '' check (length(summary) <= 4000),
    started_on date,
    ended_on   date check (ended_on >= started_on),
    hidden_at  timestamptz,
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search     tsvector generated always as (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', summary), 'B')
    ) stored
);
create index debates_search_idx on debates using gin (search);

create table sources (
    id           bigint generated always as identity primary key,
    slug         slug not null unique,
    kind         text not null check (kind in ('thread', 'article', 'blog')),
    title        text not null check (length(btrim(title)) between 1 and 300),
    author_id    bigint references actors,
    -- The byline as the document gives it, kept even when no actor is known.
    author_name  text check (length(author_name) <= 200),
    outlet       text check (length(outlet) <= 200),
    url          text check (url ~ '^https?://' and length(url) <= 2000),
    published_on date,
    hidden_at    timestamptz,
    version      integer not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    search       tsvector generated always as (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(author_name, '') || ' ' || coalesce(outlet, '')), 'C')
    ) stored
);
create index sources_author_id_idx on sources (author_id);
create index sources_search_idx on sources using gin (search);

create table debate_sources (
    debate_id  bigint not null references debates,
    source_id  bigint not null references sources,
    created_at timestamptz not null default now(),
    primary key (debate_id, source_id)
);
create index debate_sources_source_id_idx on debate_sources (source_id);

-- A source's text as imported. A changed text is a new version; old versions and their
-- segments stay, so quotes taken from them still resolve.
create table source_versions (
    id           bigint generated always as identity primary key,
    source_id    bigint not null references sources,
    number       integer not null check (number >= 1),
    raw_text     text not null check (length(raw_text) between 1 and 2000000),
    -- SHA-256 of raw_text: importing the same text again is a no-op.
    content_hash bytea not null check (length(content_hash) = 32),
    imported_at  timestamptz not null default now(),
    unique (source_id, number),
    unique (source_id, content_hash)
);

-- A cleaned, located unit of a source version: a post of a thread, a paragraph of an article.
create table segments (
    id                bigint generated always as identity primary key,
    source_version_id bigint not null references source_versions,
    position          integer not null check (position >= 1),
    kind              text not null check (kind in ('post', 'paragraph', 'heading')),
    -- As the document numbers it ("3/11", "15/END", "1.") or by position ("¶4").
    locator           text not null check (length(locator) between 1 and 40),
    -- The URL fragment for this segment ("s3-11", "p4"): unique within its version.
    anchor            text not null check (anchor ~ '^[a-z0-9-]{1,40}$'),
    body              text not null check (length(body) between 1 and 100000),
    search            tsvector generated always as (to_tsvector('english', body)) stored,
    unique (source_version_id, position),
    unique (source_version_id, anchor)
);
create index segments_search_idx on segments using gin (search);

-- The map ----------------------------------------------------------------------------------

create table proposals (
    id         bigint generated always as identity primary key,
    slug       slug not null unique,
    debate_id  bigint not null references debates,
    title      text not null check (length(btrim(title)) between 1 and 200),
    summary    text not null default '' check (length(summary) <= 4000),
    hidden_at  timestamptz,
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search     tsvector generated always as (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', summary), 'B')
    ) stored
);
create index proposals_debate_id_idx on proposals (debate_id);
create index proposals_search_idx on proposals using gin (search);

create table tensions (
    id          bigint generated always as identity primary key,
    slug        slug not null unique,
    title       text not null check (length(btrim(title)) between 1 and 200),
    pole_a      text not null check (length(btrim(pole_a)) between 1 and 120),
    pole_b      text not null check (length(btrim(pole_b)) between 1 and 120),
    description text not null default '' check (length(description) <= 4000),
    hidden_at   timestamptz,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check (pole_a <> pole_b),
    search      tsvector generated always as (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', pole_a || ' ' || pole_b), 'A')
        || setweight(to_tsvector('english', description), 'B')
    ) stored
);
create index tensions_search_idx on tensions using gin (search);

-- A proposal raises a tension, leaning towards one pole (or balanced).
create table proposal_tensions (
    id          bigint generated always as identity primary key,
    proposal_id bigint not null references proposals,
    tension_id  bigint not null references tensions,
    leaning     text not null check (leaning in ('a', 'b', 'balanced')),
    note        text not null default '' check (length(note) <= 2000),
    removed_at  timestamptz,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (proposal_id, tension_id)
);
create index proposal_tensions_tension_id_idx on proposal_tensions (tension_id);

create table claims (
    id         bigint generated always as identity primary key,
    slug       slug not null unique,
    body       text not null check (length(btrim(body)) between 10 and 400),
    -- Who makes the claim: the source's author, or whoever the text reports as saying it.
    actor_id   bigint references actors,
    created_by bigint references users,
    hidden_at  timestamptz,
    -- A claim merged into a duplicate survivor points at it; its links move there.
    merged_into_id bigint references claims check (merged_into_id <> id),
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search     tsvector generated always as (to_tsvector('english', body)) stored
);
create index claims_actor_id_idx on claims (actor_id);
create index claims_search_idx on claims using gin (search);
create index claims_body_trgm_idx on claims using gin (body gin_trgm_ops);

-- The evidence for a claim: an exact span of a segment, in characters [start, end).
create table quotes (
    id          bigint generated always as identity primary key,
    claim_id    bigint not null references claims,
    segment_id  bigint not null references segments,
    start_char  integer not null check (start_char >= 0),
    end_char    integer not null check (end_char > start_char),
    body        text not null check (length(body) = end_char - start_char),
    created_by  bigint references users,
    removed_at  timestamptz,
    created_at  timestamptz not null default now(),
    search      tsvector generated always as (to_tsvector('english', body)) stored,
    unique (claim_id, segment_id, start_char, end_char)
);
create index quotes_segment_id_idx on quotes (segment_id);
create index quotes_search_idx on quotes using gin (search);

-- A quote's span must lie inside its segment and be exactly the text there.
create function check_quote_span() returns trigger language plpgsql as $$
declare
    segment_body text;
begin
    select body into segment_body from segments where id = new.segment_id;
    if new.end_char > length(segment_body)
       or substr(segment_body, new.start_char + 1, new.end_char - new.start_char) <> new.body then
        raise exception 'quote [%, %) is not the text of segment %', new.start_char, new.end_char, new.segment_id
            using errcode = 'check_violation', constraint = 'quotes_span_in_segment';
    end if;
    return new;
end
$$;
create trigger quotes_span_in_segment before insert or update on quotes
    for each row execute function check_quote_span();

-- A claim supports, attacks or undercuts another claim or a proposal.
create table relations (
    id                 bigint generated always as identity primary key,
    kind               text not null check (kind in ('supports', 'attacks', 'undercuts')),
    from_claim_id      bigint not null references claims,
    to_claim_id        bigint references claims,
    to_proposal_id     bigint references proposals,
    created_by         bigint references users,
    removed_at         timestamptz,
    created_at         timestamptz not null default now(),
    check (num_nonnulls(to_claim_id, to_proposal_id) = 1),
    check (from_claim_id <> to_claim_id)
);
create unique index relations_claim_target_key on relations (from_claim_id, kind, to_claim_id)
    where to_claim_id is not null;
create unique index relations_proposal_target_key on relations (from_claim_id, kind, to_proposal_id)
    where to_proposal_id is not null;
create index relations_to_claim_id_idx on relations (to_claim_id);
create index relations_to_proposal_id_idx on relations (to_proposal_id);

-- A claim shows that a proposal raises a tension, arguing for one of its poles.
create table tension_evidence (
    proposal_tension_id bigint not null references proposal_tensions,
    claim_id            bigint not null references claims,
    pole                text not null check (pole in ('a', 'b')),
    removed_at          timestamptz,
    created_at          timestamptz not null default now(),
    primary key (proposal_tension_id, claim_id)
);
create index tension_evidence_claim_id_idx on tension_evidence (claim_id);

create table tags (
    id         bigint generated always as identity primary key,
    slug       slug not null unique,
    created_at timestamptz not null default now()
);

create table claim_tags (
    claim_id   bigint not null references claims,
    tag_id     bigint not null references tags,
    created_by bigint references users,
    removed_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (claim_id, tag_id)
);
create index claim_tags_tag_id_idx on claim_tags (tag_id);

-- Contributors' comments on claims, with their stance.
create table annotations (
    id         bigint generated always as identity primary key,
    claim_id   bigint not null references claims,
    user_id    bigint not null references users,
    body       text not null check (length(btrim(body)) between 1 and 10000),
    stance     text check (stance in ('agree', 'disagree', 'unsure')),
    hidden_at  timestamptz,
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index annotations_claim_id_idx on annotations (claim_id);

-- A claim marked for a moderator's review, and how that ended.
create table claim_reviews (
    id          bigint generated always as identity primary key,
    claim_id    bigint not null references claims,
    reason      text not null
                check (reason in ('misquoted', 'duplicate', 'unclear', 'unsupported', 'off-topic')),
    note        text not null default '' check (length(note) <= 2000),
    reported_by bigint not null references users,
    resolution  text check (resolution in ('hidden', 'merged', 'dismissed')),
    resolved_by bigint references users,
    resolved_at timestamptz,
    created_at  timestamptz not null default now(),
    check ((resolution is null) = (resolved_at is null))
);
create index claim_reviews_open_idx on claim_reviews (created_at) where resolution is null;
create index claim_reviews_claim_id_idx on claim_reviews (claim_id);

-- Candidate claims and tensions argmap found in a segment on import, for a contributor
-- to accept (turning it into a claim or tension) or dismiss.
create table suggestions (
    id          bigint generated always as identity primary key,
    segment_id  bigint not null references segments,
    kind        text not null check (kind in ('claim', 'tension')),
    start_char  integer not null check (start_char >= 0),
    end_char    integer not null check (end_char > start_char),
    body        text not null check (length(body) = end_char - start_char),
    -- Why it was suggested: the cues found ("contrast: but", "modal: should").
    cues        text[] not null default '{}',
    status      text not null default 'open' check (status in ('open', 'accepted', 'dismissed')),
    decided_by  bigint references users,
    decided_at  timestamptz,
    created_at  timestamptz not null default now(),
    unique (segment_id, kind, start_char, end_char)
);
create index suggestions_open_idx on suggestions (segment_id) where status = 'open';

-- History -----------------------------------------------------------------------------------

-- One row per write of any object: created, edited, hidden, restored, merged...
create table revisions (
    id          bigint generated always as identity primary key,
    object_kind text not null check (object_kind in (
        'actor', 'debate', 'source', 'proposal', 'tension', 'proposal_tension', 'claim',
        'quote', 'relation', 'annotation', 'claim_review', 'user', 'api_token', 'map')),
    object_id   bigint not null,
    action      text not null check (action in (
        'create', 'edit', 'hide', 'restore', 'merge', 'import', 'link', 'unlink', 'resolve')),
    -- Null for the system itself (the shipped map, the CLI).
    user_id     bigint references users,
    before      jsonb,
    after       jsonb,
    note        text not null default '' check (length(note) <= 2000),
    created_at  timestamptz not null default now()
);
create index revisions_object_idx on revisions (object_kind, object_id, created_at);
create index revisions_user_id_idx on revisions (user_id, created_at);

-- Triggers ------------------------------------------------------------------------------------

do $$
declare
    t text;
begin
    foreach t in array array['users', 'actors', 'debates', 'sources', 'proposals', 'tensions',
                             'proposal_tensions', 'claims', 'annotations']
    loop
        execute format('create trigger %I before update on %I for each row execute function set_updated_at()',
                       t || '_set_updated_at', t);
    end loop;
    foreach t in array array['users', 'api_tokens', 'actors', 'debates', 'sources', 'debate_sources',
                             'source_versions', 'segments', 'proposals', 'tensions', 'proposal_tensions',
                             'claims', 'quotes', 'relations', 'tension_evidence', 'tags', 'claim_tags',
                             'annotations', 'claim_reviews', 'suggestions', 'revisions']
    loop
        execute format('create trigger %I before delete on %I for each row execute function forbid_delete()',
                       t || '_forbid_delete', t);
    end loop;
end
$$;
