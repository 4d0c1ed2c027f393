"""Child processes of the test scripts: stopped the way assay expects to be stopped."""

import signal
import subprocess


def stop_all(children, timeout: float) -> None:
    """SIGTERM every child still running, then wait up to `timeout` seconds for each, killing
    the ones that have not exited by then."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
