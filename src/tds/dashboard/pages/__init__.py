"""The dashboard's pages, one module per page and its actions."""
