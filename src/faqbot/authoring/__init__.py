"""Authoring: documents and FAQ tables into intents folders (extract, import), and their integrity."""
