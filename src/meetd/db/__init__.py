"""Storage: engines and sessions, tables, migrations."""
