from tests.workspace.conftest import _fast_passwords, call, nothing_changes  # noqa: F401
