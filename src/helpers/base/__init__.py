"""The base every stage stands on: paths, errors, quarters, one checked reader per file format, the vocabulary
and target dates."""
