"""Unit tests of the entity mappings, rules and ERP naming."""
