"""The guided tour: the reference article's story in short steps (``steps.toml``, read by
``steps``; no Textual imported there, so ``neuron-tui tour`` reads it before the app starts)."""
