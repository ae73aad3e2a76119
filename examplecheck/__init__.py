"""examplecheck: checks the handbook's examples with the field's own tools.

Data flows one way: find files (discover) → classify each (classify) → check it with the
right tool (kubernetes, dockerfile, compose, shell, yamllint) → collect findings → report.
"""

__version__ = "0.1.0"
