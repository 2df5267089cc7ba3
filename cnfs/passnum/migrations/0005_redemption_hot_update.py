"""A redemption writes one voucher row in place and one log line; the PL/pgSQL function goes.

Measured with pgbench running the redemption statement on 2 million vouchers, 32 clients (bench/bench_passnum.py
prints the same figure): 4,600 redemptions/s before, 7,800 after, against 12,600–15,600 single-row updates/s.
- No index of `passnum_cheque` holds a column that a redemption writes: the (order, status) index becomes an index
  on the order alone, the (place, month) index goes (a place's vouchers are found through its accepted log lines,
  see `selectors.encaissements_recents`). The update is then HOT: its new row version stays on the page and no
  index entry is written. PostgreSQL: `fillfactor = 85` keeps room on each page for it. It applies to pages written
  from now on; existing pages get it at their next rewrite (`VACUUM FULL`, pg_repack), and until then an update that
  finds its page full is written elsewhere, as before.
- The log's references (voucher, place, account) keep no database constraint, and its (account, date) and voucher
  indexes go: nothing reads them, and the three deferred constraint checks per line cost a fifth of a redemption.
  Django still sets them to NULL when a voucher, place or account is deleted.
- `passnum_cheque_encaisser` (migration 0003) is dropped: the redemption is now one prepared statement
  (`services.encaissement`), which caches the same plans without a function call around them. Going back to 0004
  recreates it.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILLFACTOR = 85


def _function_migration():
    return importlib.import_module("cnfs.passnum.migrations.0003_encaissement_fonction")


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function_migration().DROP_FUNCTION, None)


def create_function(apps, schema_editor):
    _function_migration().create_function(apps, schema_editor)


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE passnum_cheque SET (fillfactor = {FILLFACTOR})", None)


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE passnum_cheque RESET (fillfactor)", None)


class Migration(migrations.Migration):
    dependencies = [
        ("lieux", "0001_initial"),
        ("passnum", "0004_cheque_code_unique_constraint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_function, create_function, elidable=False),
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
        migrations.RemoveIndex(
            model_name="cheque",
            name="passnum_cheque_cmd_statut_idx",
        ),
        migrations.RemoveIndex(
            model_name="cheque",
            name="passnum_cheque_lieu_mois_idx",
        ),
        migrations.RemoveIndex(
            model_name="tentativeencaissement",
            name="passnum_tentative_user_idx",
        ),
        migrations.AlterField(
            model_name="tentativeencaissement",
            name="cheque",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="tentatives",
                to="passnum.cheque",
                verbose_name="chèque",
            ),
        ),
        migrations.AlterField(
            model_name="tentativeencaissement",
            name="lieu",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="lieux.lieu",
                verbose_name="lieu",
            ),
        ),
        migrations.AlterField(
            model_name="tentativeencaissement",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="compte",
            ),
        ),
        migrations.AddIndex(
            model_name="cheque",
            index=models.Index(fields=["commande"], name="passnum_cheque_commande_idx"),
        ),
    ]
