"""The agent's SQLite store and the only place in the agent with SQL: the schema and its
migrations, configuration values, the item journal and outbox, the tracking state, screenshot
files, idle periods and notices."""
