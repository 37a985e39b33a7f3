-- Undercuts attack inferences, not claims.
--
-- An undercut says that the reasoning from a premise to what it supports or attacks does
-- not hold, even if the premise does. Its target is therefore a relation (the inference
-- "A supports B" or "A attacks B", or another undercut), never a claim or a proposal: the
-- undercut leaves the premise standing and, when it stands itself, disables the relation.

alter table relations add column to_relation_id bigint references relations;

-- Replace the one-target check (unnamed in 0001) with one that counts the new column.
do $$
declare
    c text;
begin
    for c in select conname from pg_constraint
             where conrelid = 'relations'::regclass and contype = 'c'
               and pg_get_constraintdef(oid) like '%num_nonnulls%'
    loop
        execute format('alter table relations drop constraint %I', c);
    end loop;
end
$$;
alter table relations add constraint relations_one_target
    check (num_nonnulls(to_claim_id, to_proposal_id, to_relation_id) = 1);
create unique index relations_relation_target_key on relations (from_claim_id, kind, to_relation_id)
    where to_relation_id is not null;
create index relations_to_relation_id_idx on relations (to_relation_id);

-- An existing undercut of a claim X (or proposal) meant "the reasoning from X does not
-- hold". It moves to the inference of X it most plausibly denies:
--   1. X's only live support or attack, when X has exactly one;
--   2. otherwise the one of X's inferences whose target the undercutting claim also bears
--      on (it argues about the same thing), when exactly one does.
-- The old row is retired and a new one made, each with its revision. When neither rule
-- names one inference, the database cannot know which was meant: the undercut is retired
-- (the row stays, with a revision saying why) and a contributor or the map names it.
create temporary table undercut_moves as
with old as (
    select u.id as old_id, u.from_claim_id, u.to_claim_id, u.created_by
    from relations u
    where u.kind = 'undercuts' and u.removed_at is null
),
candidates as (
    select o.old_id, r.id as target_id,
           exists (select 1 from relations s
                   where s.from_claim_id = o.from_claim_id and s.removed_at is null
                     and s.id <> o.old_id
                     and (s.to_claim_id = r.to_claim_id or s.to_proposal_id = r.to_proposal_id))
               as shared
    from old o
    join relations r on r.from_claim_id = o.to_claim_id and r.removed_at is null
                    and r.kind in ('supports', 'attacks')
)
select o.old_id, o.from_claim_id, o.created_by,
       coalesce(
           (select min(c.target_id) from candidates c where c.old_id = o.old_id
            having count(*) = 1),
           (select min(c.target_id) from candidates c where c.old_id = o.old_id and c.shared
            having count(*) = 1)) as target_id
from old o;

update relations set removed_at = now()
where id in (select old_id from undercut_moves);

insert into revisions (object_kind, object_id, action, before, after, note)
select 'relation', m.old_id, 'unlink', to_jsonb(r) - 'removed_at', null,
       case when m.target_id is null
            then 'undercuts target inferences now; which inference this undercut denies is unknown, so it was retired'
            else 'undercuts target inferences now; moved to relation ' || m.target_id end
from undercut_moves m join relations r on r.id = m.old_id;

with moved as (
    insert into relations (kind, from_claim_id, to_relation_id, created_by)
    select 'undercuts', m.from_claim_id, m.target_id, m.created_by
    from undercut_moves m
    where m.target_id is not null
    on conflict do nothing
    returning id, kind, from_claim_id, to_relation_id
)
insert into revisions (object_kind, object_id, action, after, note)
select 'relation', id, 'create',
       jsonb_build_object('kind', kind, 'from_claim_id', from_claim_id, 'to_relation_id', to_relation_id),
       'undercuts target inferences now; moved from an undercut of the claim'
from moved;

drop table undercut_moves;

-- Only undercuts target relations, and every live undercut does (undercuts of claims
-- retired above stay as history, and can never be brought back as they were).
alter table relations add constraint relations_only_undercuts_target_relations
    check (to_relation_id is null or kind = 'undercuts');
alter table relations add constraint relations_undercuts_target_relations
    check (kind <> 'undercuts' or to_relation_id is not null or removed_at is not null);
alter table relations add constraint relations_not_self_undercut
    check (to_relation_id <> id);
