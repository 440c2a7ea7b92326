"""The web dashboard: server-rendered pages over the insights reads and the admin services."""
