-- Sibling names are unique through (parent_id, name), but NULLs never collide in a unique
-- index: the roots (districts) need an index of their own.
CREATE UNIQUE INDEX org_nodes_root_name_key ON org_nodes (name) WHERE parent_id IS NULL;
