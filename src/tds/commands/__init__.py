"""Feature commands of the `tds` command line, one module per feature."""
