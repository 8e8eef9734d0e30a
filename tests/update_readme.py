"""Rerun every `$ scorer …` of the README's console blocks and write their real output back.

    python tests/update_readme.py

Run from the project folder, 80 columns wide. Where the README cuts an output short with a
line "…", as many lines as it showed before are kept, then the "…".
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorer.cli import main  # noqa: E402


def run(command: str) -> str:
    os.chdir(ROOT)
    result = CliRunner().invoke(
        main, shlex.split(command)[1:], env={"COLUMNS": "80"}, terminal_width=80
    )
    return "\n".join(line.rstrip() for line in result.output.splitlines())


def update(text: str) -> str:
    def block(match: re.Match) -> str:
        parts = re.split(r"^(\$ .*)$", match.group(1), flags=re.M)
        out = [parts[0]]
        for command, shown in zip(parts[1::2], parts[2::2]):
            out.append(command)
            if not command.startswith("$ scorer "):
                out.append(shown)
                continue
            lines = shown.strip("\n").splitlines()
            fresh = run(command[2:]).splitlines()
            if "…" in lines:
                fresh = fresh[: lines.index("…")] + ["…"]
            out.append("\n" + "\n".join(fresh) + "\n")
        return "```console\n" + "".join(out) + "```"

    return re.sub(r"```console\n(.*?)```", block, text, flags=re.S)


if __name__ == "__main__":
    readme = ROOT / "README.md"
    readme.write_text(update(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("updated", readme)
