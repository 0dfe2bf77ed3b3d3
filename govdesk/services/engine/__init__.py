"""The workflow engine: every record that passes through hands is a spec plus its own rules.

``spec``: the typed workflow files (data/workflows/*.toml). ``core``: registration, opening a
record, the task a person may act on, ``available_actions``, ``advance`` and the review/阅批
turn built on it (``pass_or_send_back``), step deadlines and those a record sets itself
(``set_task_dues``), a unit's 主管领导 as holder (``unit_leader``), a register's page
(``register_rows``), register holders and the timeline; what one reader may see of a page of
records in the generic lists (``shown_page``, ``shown_texts``, ``audit_reader``: a module's
``Workflow.shown`` hook, e.g. 信访's masks). A module imports ``core`` (as ``engine``) and registers its
``Workflow`` once at import.
"""
