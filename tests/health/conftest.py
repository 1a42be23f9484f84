"""The health-check tests import ``health_helpers`` by name, from this folder."""

import sys
from pathlib import Path

# Under any import mode, the tests of this folder import health_helpers by name.
sys.path.insert(0, str(Path(__file__).parent))
