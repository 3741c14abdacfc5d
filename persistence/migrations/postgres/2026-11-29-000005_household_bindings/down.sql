DROP TABLE household_bindings;
