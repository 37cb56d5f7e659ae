"""``pixgar demo`` (what ``scripts/demo`` runs) starts without printing any warning.

It once greeted a newcomer with pysaml2's CryptographyDeprecationWarning about CFB.
The demo runs in a subprocess with ``-W default`` (every warning shown once), on free
ports, with its in-process Redis stand-in and its own data directory: nothing shared.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from pixgar.demo import free_port

BASE_URLS = ("PROXY_BASE_URL", "PIX_BASE_URL", "GAR_SIM_BASE_URL", "ENT_BASE_URL")
READY = "pix-gar demo is running"


def test_the_demo_starts_without_a_warning(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PIXGAR_DATA_DIR": str(tmp_path),
           **{name: f"https://localhost:{free_port()}" for name in BASE_URLS}}
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-W", "default", "-m", "pixgar.cli", "demo"],
                                   env=env, stdout=stdout, stderr=stderr)
        try:
            deadline = time.monotonic() + 120
            while READY not in out.read_text() and process.poll() is None:
                assert time.monotonic() < deadline, "the demo did not start within 120 s"
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=20)

    assert READY in out.read_text(), err.read_text()[-2000:]
    assert re.search(r"access code [A-Z]{4}[0-9]{2} .* supervisor password [A-Z0-9]{5} ",
                     out.read_text())  # the demo's certification session
    printed = err.read_text()
    assert "CryptographyDeprecationWarning" not in printed
    assert not re.search(r"\w*Warning: ", printed), printed
