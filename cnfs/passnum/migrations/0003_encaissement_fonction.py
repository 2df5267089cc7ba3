"""PostgreSQL: the redemption as one PL/pgSQL function, `passnum_cheque_encaisser`.

The conditional UPDATE and the log of its acceptance used to be one large CTE statement sent by
`services.encaissement`; PostgreSQL parsed and planned it on every call, which cost more CPU than running it.
PL/pgSQL keeps the plans of its statements for the session, so a redemption now costs one trivial
`SELECT * FROM passnum_cheque_encaisser(…)` to plan and the cached plans to run. Prepared statements would save
the same, but they do not survive transaction-pooling connection poolers; a function does.

The function carries every rule of `services.encaissement._SPEND` (status, validity dates, the order's territory
keys of the place, the place's qualification) in ONE UPDATE, so two concurrent calls on one code cannot both win:
the loser's UPDATE matches 0 rows once the winner commits. On acceptance it inserts the log line (the message is
the one `_accepted_message` builds: the caller passes the text around the amount, the function spells the amount
as `services._common.euros` does). On refusal it writes nothing and returns the row that
`services.encaissement._EXPLAIN` reads (the place's qualification and the voucher), from which Python explains the
refusal in French and logs it.

The status values are the database values of `StatutCheque`, `StatutQualification` and `ResultatTentative`;
the passnum tests check every rule through this function on PostgreSQL. SQLite has no stored functions: its path
stays in Python (nothing to do here).
"""

from django.db import migrations

CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION passnum_cheque_encaisser(
    p_code varchar,
    p_lieu bigint,
    p_user bigint,
    p_typed varchar,
    p_now timestamptz,
    p_today date,
    p_logged_at timestamptz,
    p_before text,
    p_after text,
    OUT accepte boolean,
    OUT cheque_id bigint,
    OUT commande_id bigint,
    OUT valeur integer,
    OUT place_id bigint,
    OUT qualification varchar,
    OUT statut varchar,
    OUT redeemed_at timestamptz,
    OUT valable_du date,
    OUT valable_jusqu_au date,
    OUT in_zone boolean
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    UPDATE passnum_cheque AS c
    SET statut = 'utilise', redeemed_at = p_now, redeemed_by_place_id = q.id,
        redeemed_month = date_trunc('month', p_today::timestamp)::date
    FROM passnum_lieuqualifie AS q
    JOIN lieux_lieu AS l ON l.id = q.lieu_id
    JOIN territoires_commune AS m ON m.code = l.code_insee
    JOIN territoires_departement AS d ON d.id = m.departement_id
    JOIN territoires_region AS r ON r.id = m.region_id
    WHERE c.code = p_code
      AND c.statut IN ('emis', 'distribue')
      AND c.valable_du <= p_today AND c.valable_jusqu_au >= p_today
      AND q.lieu_id = p_lieu AND q.statut = 'qualifiee'
      AND EXISTS (
          SELECT 1 FROM passnum_zonecommande AS z
          WHERE z.commande_id = c.commande_id AND z.cle IN ('C:' || m.code, 'D:' || d.code, 'R:' || r.code)
      )
    RETURNING c.id, c.commande_id, c.valeur, c.redeemed_by_place_id
    INTO cheque_id, commande_id, valeur, place_id;

    IF FOUND THEN
        accepte := true;
        INSERT INTO passnum_tentativeencaissement
            (code_saisi, cheque_id, lieu_id, user_id, resultat, motif, created_at)
        VALUES (
            p_typed, cheque_id, p_lieu, p_user, 'accepte',
            p_before
            || regexp_replace((valeur / 100)::text, '(\d)(?=(\d{3})+$)', U&'\\1\202F', 'g')
            || ',' || lpad(mod(valeur, 100)::text, 2, '0') || U&'\00A0€'
            || p_after,
            p_logged_at
        );
        RETURN;
    END IF;

    -- Refused: why, read after the UPDATE (a fresh snapshot, as a separate statement would see).
    accepte := false;
    SELECT q.statut, c.id, c.statut, c.redeemed_at, c.valable_du, c.valable_jusqu_au,
        EXISTS (
            SELECT 1 FROM passnum_zonecommande AS z
            WHERE z.commande_id = c.commande_id AND z.cle IN ('C:' || m.code, 'D:' || d.code, 'R:' || r.code)
        )
    INTO qualification, cheque_id, statut, redeemed_at, valable_du, valable_jusqu_au, in_zone
    FROM lieux_lieu AS l
    LEFT JOIN passnum_lieuqualifie AS q ON q.lieu_id = l.id
    LEFT JOIN territoires_commune AS m ON m.code = l.code_insee
    LEFT JOIN territoires_departement AS d ON d.id = m.departement_id
    LEFT JOIN territoires_region AS r ON r.id = m.region_id
    LEFT JOIN passnum_cheque AS c ON c.code = p_code
    WHERE l.id = p_lieu;
END
$$
"""

DROP_FUNCTION = (
    "DROP FUNCTION IF EXISTS passnum_cheque_encaisser(varchar, bigint, bigint, varchar, timestamptz, date, "
    "timestamptz, text, text)"
)


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION, None)  # no parameters: the `%`-free body stays as is


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION, None)


class Migration(migrations.Migration):
    dependencies = [
        ("passnum", "0002_releves_lots_avoirs"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function, elidable=False),
    ]
