"""The agreement tests import ``agreement_helpers`` by name, from this folder."""

import sys
from pathlib import Path

# pytest runs in importlib mode: make this folder's helper module importable by name.
sys.path.insert(0, str(Path(__file__).parent))
