"""Reading a chronology folder: YAML with a Mark on every node, config, and entries.

This package turns files into model objects and `Diagnostic`s and nothing more; checks that
need the whole chronology (references, collisions) live in `chronicle.validate`.
"""
