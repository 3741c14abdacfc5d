DROP INDEX org_nodes_root_name_key;
