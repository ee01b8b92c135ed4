"""Language: from raw text to words and matcher terms (normalise, word tiers, spelling, stems).

The lowest layer of the question's path: it knows English, not our documents or intents."""
