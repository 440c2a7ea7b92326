"""ERP target profiles: the format (model), reading a file (loader), and what it compiles to."""
