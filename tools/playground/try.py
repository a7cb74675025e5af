"""Try Stödbot in Microsoft's Agents Playground, offline, with one command:

    python3 tools/playground/try.py

Installs the Playground (npm ``@microsoft/m365agentsplayground@0.2.28``) into
``~/.cache/stodbot-playground`` the first time, writes the two configurations and an
organisation file (``setup.py``), and starts ``stodbot serve`` on the example base with
two Playgrounds: a manager's on http://127.0.0.1:56150 and an HR worker's on
http://127.0.0.1:56151 (the HR-arenden channel gets the ticket cards). Ctrl-C stops all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FOLDER = Path(os.environ.get("STODBOT_PLAYGROUND_DIR", Path.home() / ".cache/stodbot-playground"))
PACKAGE = "@microsoft/m365agentsplayground@0.2.28"
BOT, MANAGER, STAFF = 3978, 56150, 56151


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    cli = FOLDER / "node_modules/@microsoft/m365agentsplayground/cli.js"
    if not cli.is_file():
        print(f"Installerar {PACKAGE} i {FOLDER} …", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(FOLDER), PACKAGE],
            check=True,
        )
    sys.path.insert(0, str(HERE))
    import setup  # the configurations and the organisation file

    setup.main(FOLDER)
    env = setup.environment(FOLDER, BOT, STAFF)
    endpoint = f"http://127.0.0.1:{BOT}/api/messages"
    procs = [subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "serve"], env=env)]
    time.sleep(3)
    for who, port in (("manager", MANAGER), ("staff", STAFF)):
        cmd = ["node", str(cli), "-e", endpoint, "-c", "msteams", "-p", str(port)]
        procs.append(subprocess.Popen([*cmd, "--disable-telemetry"], cwd=FOLDER / who, env=env))
    print(
        f"\nChef (Anna Chef):        http://127.0.0.1:{MANAGER}\n"
        f"HR (Maria Lindqvist):    http://127.0.0.1:{STAFF}  (kanalen HR-arenden)\n"
        "Ctrl-C avslutar.\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
