"""Modal screens: the key help and the path prompts for saving and opening runs."""
