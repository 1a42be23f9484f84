"""The decision engines: pure Python on numpy/scipy.

Nothing in this package may import Django; ``tests/test_layering.py`` enforces it, so
every engine runs from a notebook, a script or the ``detente`` command on plain files.
"""
