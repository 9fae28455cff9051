"""The one helper the schema checks share: import a module, installing its
package with pip first when it is missing (into the user site when the system
Python is marked externally managed)."""
import importlib
import subprocess
import sys


def ensure(module, package, tool):
    """Returns `module`, imported; `tool` names the caller in messages."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    print(f"{tool}: installing {package} with pip", file=sys.stderr)
    attempts = [
        [sys.executable, "-m", "pip", "install", "--quiet", package],
        [sys.executable, "-m", "pip", "install", "--quiet", "--user", "--break-system-packages", package],
    ]
    for command in attempts:
        if subprocess.run(command).returncode == 0:
            importlib.invalidate_caches()
            try:
                return importlib.import_module(module)
            except ImportError:
                continue
    sys.exit(f"{tool}: FAILED: cannot install {package} with pip")
