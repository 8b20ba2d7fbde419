"""Benchmarks of the briefing builds (`make bench`, `python -m bench`).

`__main__` runs the sections and prints the report; `measure` runs and
measures processes; `warm` times documents inside one warm worker; `probe`
checks what a command imports; `corpus` generates record folders of any size;
`report` holds the checks and tables.
"""
