-- A claim's primary quote: the passage that carries it best, as the map marks it
-- (docs/map-format.md). At most one current quote per claim is primary.
alter table quotes add column is_primary boolean not null default false;
create unique index quotes_one_primary_key on quotes (claim_id) where is_primary and removed_at is null;
