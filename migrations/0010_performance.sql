-- Performance: the map's version for reusing what was computed from it, and indexes that
-- keep pages independent of the map's size.

-- One row: bumped once by every transaction that writes anything pages show, so what was
-- computed at a version (standings, rendered pages) is reused until the next write; and
-- announced on the channel `argmap_map` at commit, so every app instance drops its copies.
create table map_version (
    id         boolean primary key default true check (id),
    version    bigint not null default 1,
    changed_at timestamptz not null default now()
);
insert into map_version default values;

create function bump_map_version() returns trigger language plpgsql as $$
begin
    -- Once per transaction: later statements of the same write find it done.
    if current_setting('argmap.map_bumped', true) is distinct from txid_current()::text then
        update map_version set version = version + 1, changed_at = now();
        perform set_config('argmap.map_bumped', txid_current()::text, true);
        perform pg_notify('argmap_map', '');
    end if;
    return null;
end
$$;

do $$
declare
    t text;
begin
    foreach t in array array['users', 'actors', 'debates', 'sources', 'debate_sources',
                             'source_versions', 'segments', 'proposals', 'tensions', 'proposal_tensions',
                             'claims', 'quotes', 'relations', 'tension_evidence', 'tags', 'claim_tags',
                             'annotations', 'claim_reviews', 'review_replies', 'suggestions', 'revisions']
    loop
        execute format('create trigger %I after insert or update or delete or truncate on %I
                        for each statement execute function bump_map_version()',
                       t || '_bump_map_version', t);
    end loop;
end
$$;

-- A claim's own relations (its page, its tree): the unique indexes are partial by target.
create index relations_from_claim_id_idx on relations (from_claim_id) where removed_at is null;
-- Lists in their page order, so a page of them is read without sorting the table.
create index sources_listed_idx on sources (published_on desc nulls last, title) where hidden_at is null;
create index claims_merged_into_id_idx on claims (merged_into_id) where merged_into_id is not null;
