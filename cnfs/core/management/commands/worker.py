"""`cnfs worker`: runs the background tasks queued in the database (django-tasks-db's `db_worker`)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = (
        "Exécute les tâches de fond (courriels, exports, recalculs) mises en file dans la base de données. "
        "--batch traite la file puis s’arrête."
    )
