"""Modal screens: the key help, the path prompts, the resume prompt, the "enlarge the terminal"
notice, and their base (``dialog``: a screen answered once)."""
