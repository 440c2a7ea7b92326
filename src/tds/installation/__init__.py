"""What TDS Core installed in the database (its schema, the default ERP schema) and its removal."""
