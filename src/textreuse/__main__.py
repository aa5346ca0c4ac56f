"""``python -m textreuse``: the command line, also a file spark-submit can run.

>>> import textreuse.__main__ as m; m.__file__.endswith(".py")
True
"""

from __future__ import annotations

from textreuse.cli import run

if __name__ == "__main__":
    run()
