-- A source's current version (its newest), named once instead of a subquery written in
-- every reader. Lateral, so a filter on source_id reaches the (source_id, number) index.
create view current_source_versions as
select s.id as source_id, v.id, v.number
from sources s
cross join lateral (
    select id, number from source_versions
    where source_id = s.id
    order by number desc
    limit 1
) v;
