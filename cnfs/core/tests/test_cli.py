import sys

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from cnfs.cli import help_text, main
from cnfs.core.management.commands.serve import gunicorn_argv

RESULTS = []


@task()
def remember(value: str) -> str:
    RESULTS.append(value)
    return value.upper()


def test_help_lists_platform_commands_in_french(capsys):
    main(["cnfs", "--help"])
    out = capsys.readouterr().out
    assert out == help_text()
    assert out.startswith("Usage : cnfs <commande> [options]")
    platform = out.split("Commandes de la plateforme :")[1].split("Commandes Django courantes :")[0]
    names = [line.split()[0] for line in platform.strip().splitlines()]
    assert names[:3] == ["serve", "worker", "demo"]
    assert "Sert la plateforme" in platform
    assert "migrate" in out and "Crée ou met à jour les tables" in out


def test_bare_cnfs_prints_the_same_help(capsys):
    main(["cnfs"])
    assert capsys.readouterr().out == help_text()


def test_other_arguments_go_to_django(capsys):
    main(["cnfs", "help", "demo"])
    out = capsys.readouterr().out
    assert "usage: cnfs demo" in out
    assert "--scale {small,medium,large}" in out


def test_gunicorn_command_line(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.1")
    argv = gunicorn_argv("0.0.0.0:9000", 5)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "cnfs.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--forwarded-allow-ips") + 1] == "10.0.0.1"


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RESULTS.clear()
    result = remember.enqueue("bonjour")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert RESULTS == ["bonjour"]
    result.refresh()
    assert result.return_value == "BONJOUR"
