-- The admins' accounts page lists accounts a page at a time, oldest first, each with the
-- number of claims it added. Without an index on the author, every listed account read
-- the whole claims table: 94 s for the 4,000 accounts and 86,091 claims of
-- `generate --scale 1000`.
create index claims_created_by_idx on claims (created_by) where created_by is not null;
create index users_listed_idx on users (created_at, id);
