"""The workflow engine: every record that passes through hands is a spec plus its own rules.

``spec``: the typed workflow files (data/workflows/*.toml). ``core``: registration, opening a
record, the task a person may act on, ``available_actions``, ``advance``, step deadlines,
register holders and the timeline. A module imports ``core`` (as ``engine``) and registers its
``Workflow`` once at import.
"""
