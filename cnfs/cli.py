"""The `cnfs` console command: Django's management commands under one name (`cnfs migrate`, `cnfs demo`…)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "cnfs"
    # `cnfs serve` is the friendly name of the development server.
    if len(argv) > 1 and argv[1] == "serve":
        argv[1] = "runserver"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
