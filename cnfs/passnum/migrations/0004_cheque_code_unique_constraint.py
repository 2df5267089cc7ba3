"""A voucher's code is unique by one index instead of two.

`unique=True` on a CharField makes Django add, on PostgreSQL, a second index on the code (`varchar_pattern_ops`,
for `LIKE 'x%'`) that no query uses: codes are only ever looked up whole. Every issue and every redemption (whose
UPDATE is not HOT: it changes indexed columns) wrote an entry in it. The unique constraint keeps the one index
that the redemption's `WHERE code = …` reads. The new index is built before the old ones go, in one transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("passnum", "0003_encaissement_fonction")]

    operations = [
        migrations.AddConstraint(
            model_name="cheque",
            constraint=models.UniqueConstraint(
                fields=("code",),
                name="passnum_cheque_code_unique",
                violation_error_message="Ce code de chèque existe déjà.",
            ),
        ),
        migrations.AlterField(
            model_name="cheque",
            name="code",
            field=models.CharField(max_length=16, verbose_name="code"),
        ),
    ]
