"""Content: intents, bot settings, lexicon and rules as loaded from (and saved to) an intents folder.

Loading is strict: every problem is a DataFileError naming the file and line."""
