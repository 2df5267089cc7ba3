"""Realistic Aidants Connect data for `bench_aidants.py`, written in bulk (PostgreSQL COPY, SQLite executemany).

Organisations (one big one), aidants with their accounts and roles, usagers, mandates (mostly expired, about a
fifth active, a few revoked; an usager's successive mandates never overlap), one to four authorisations each, and
a journal forming a valid hash chain whose rows are exactly those `journal_append` writes. COPY is an INSERT: the
journal's append-only triggers (UPDATE, DELETE, TRUNCATE) are untouched. On PostgreSQL the secondary indexes and
constraints of the big tables are dropped during the load and rebuilt after it (same definitions, same names).
"""

from __future__ import annotations

import datetime
import hashlib
import random
import time
import uuid
from dataclasses import dataclass, field

DAY = datetime.timedelta(days=1)
NULL = "\\N"  # COPY text format
FAMILY = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux David "
    "Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefevre Faure Andre "
    "Mercier Blanc Guerin Boyer Garnier Chevalier Francois Legrand Gauthier Garcia Perrin Robin Clement Morin "
    "Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour "
    "Meunier Brun Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud Martinez Gerard Roche Renard "
    "Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe "
    "Bourgeois Pierre Benoit Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert"
).split()
GIVEN = (
    "Marie Jean Pierre Michel Jeanne Monique Nathalie Isabelle Philippe Alain Sylvie Catherine Nicolas Christophe "
    "Françoise Patrick Sandrine Daniel Louise Gabriel Léa Hugo Emma Jules Chloé Lucas Manon Arthur Camille Louis "
    "Inès Raphaël Sarah Adam Zoé Paul Alice Nathan Lina Ethan Rose Léo Anna Yasmine Mohamed Fatima Karim Aïcha"
).split()
DUREES = (("jour", 0.10), ("mois", 0.20), ("six_mois", 0.40), ("douze_mois", 0.30))
DUREE_DAYS = {"jour": 1, "mois": 30, "six_mois": 182, "douze_mois": 365}


@dataclass
class Generated:
    organisations: int = 0
    aidants: int = 0
    usagers: int = 0
    mandats: int = 0
    autorisations: int = 0
    entries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def valid_siret(n: int) -> str:
    from cnfs.recrutement.validators import luhn_valid

    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{31000000 + n:08d}") + f"{n % 10000:04d}")


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows, batch: int = 50_000) -> int:
        count = 0
        if self.pg:
            raw = self.connection.connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        ops = self.connection.ops
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"

        def adapt(value):
            if isinstance(value, datetime.datetime):
                return ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime.date):
                return ops.adapt_datefield_value(value)
            if isinstance(value, uuid.UUID):
                return value.hex
            return value

        chunk = []
        with self.connection.cursor() as cursor:
            for row in rows:
                chunk.append(tuple(adapt(v) for v in row))
                if len(chunk) == batch:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk.clear()
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
        return count

    def write_lines(self, table: str, columns: tuple[str, ...], chunks) -> int:
        """PostgreSQL: COPY lists of rows already in COPY's text format (one line each)."""
        count = 0
        raw = self.connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write("".join(chunk))
                count += len(chunk)
        return count

    def reset_sequence(self, table: str) -> None:
        if self.pg:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )


class LoadWithoutIndexes:
    """PostgreSQL: drop a table's secondary indexes and non-primary constraints, rebuild them on exit."""

    def __init__(self, connection, tables: tuple[str, ...]):
        self.connection, self.tables = connection, tables
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[str] = []

    def __enter__(self):
        if self.connection.vendor != "postgresql":
            return self
        with self.connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c')",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.constraints.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, *exc):
        if self.connection.vendor != "postgresql" or exc[0] is not None:
            return False
        with self.connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for definition in self.indexes:
                cursor.execute(definition)
            # Unique and check constraints first, foreign keys (which may need them) last.
            for table, name, definition in sorted(self.constraints, key=lambda c: c[2].startswith("FOREIGN")):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return False


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def plan_from_database() -> list:
    """The journal's plan, read back from mandates already written."""
    from cnfs.aidants.models import Autorisation, Mandat

    autos = {}
    for a_id, m_id, demarche in Autorisation.objects.values_list("id", "mandat_id", "demarche").order_by("id"):
        autos.setdefault(m_id, []).append((a_id, demarche))
    rows = Mandat.objects.values_list("id", "organisation_id", "usager__uuid", "cree_par_id", "debut", "fin", "duree")
    return [
        (m_id, org, str(usager), author, autos.get(m_id) or [(None, "")], debut, fin, duree)
        for m_id, org, usager, author, debut, fin, duree in rows.order_by("id")
    ]


def generate(*, mandates: int, entries: int, organisations: int = 3000, seed: int = 7, log=print) -> Generated:
    """Write the whole data set into the current (empty) database. Returns what was written."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from cnfs.aidants.enums import Demarche, StatutAidant, TypeOrganisation, mandat_end
    from cnfs.aidants.models import Aidant, Mandat, Organisation
    from cnfs.aidants.models.journal import GENESIS_HASH, canonical_content, canonical_payload
    from cnfs.core.enums import Role, ScopeType
    from cnfs.core.models import RoleAssignment, User

    rng = random.Random(seed)
    out = Generated()
    writer = Writer(connection)
    now = timezone.now()
    all_demarches = list(Demarche.values)
    step = time.perf_counter()

    tables = ("aidants_usager", "aidants_mandat", "aidants_autorisation")
    if Mandat.objects.exists():  # mandates kept by an interrupted run (or --reuse): the journal only
        plan = plan_from_database()
        out.mandats = len(plan)
    else:
        # Organisations: the first one is big (2.5 % of the usagers), the others of very unequal sizes.
        organisations = max(2, min(organisations, mandates // 20 or 2))
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                Organisation(
                    nom=f"{'Grande maison France Services' if i == 0 else 'Structure d’accueil'} n° {i + 1}",
                    siret=valid_siret(i),
                    type=TypeOrganisation.FRANCE_SERVICES if i % 3 else TypeOrganisation.CCAS,
                    departement=f"{1 + i % 95:02d}",
                    demarches_autorisees=all_demarches
                    if i == 0
                    else sorted(rng.sample(all_demarches, rng.randint(6, 10))),
                )
                for i in range(organisations)
            )
            password = make_password(None)
            users, aidants_by_org = [], {}
            for index, org in enumerate(orgs):
                count = 40 if index == 0 else rng.randint(1, 5)
                aidants_by_org[org.pk] = []
                for k in range(count):
                    users.append((org, User(email=f"aidant{len(users) + 1}@bench.aidants.test", password=password)))
                    users[-1][1].first_name, users[-1][1].last_name = rng.choice(GIVEN), f"Aidant{k}"
            User.objects.bulk_create([u for _, u in users], batch_size=5000)
            Aidant.objects.bulk_create(
                [
                    Aidant(
                        user=u,
                        organisation=org,
                        statut=StatutAidant.HABILITE,
                        formation_date=datetime.date(2025, 9, 1),
                        test_reussi=True,
                        validated_at=now - 400 * DAY,
                    )
                    for org, u in users
                ],
                batch_size=5000,
            )
            RoleAssignment.objects.bulk_create(
                [
                    RoleAssignment(user=u, role=Role.AIDANT, scope_type=ScopeType.ORGANISATION, object_id=str(org.pk))
                    for org, u in users
                ],
                batch_size=5000,
            )
            for org, u in users:
                aidants_by_org[org.pk].append(u.pk)
        out.organisations, out.aidants = len(orgs), len(users)
        weights = [mandates * 0.025] + [rng.lognormvariate(0, 1.0) for _ in orgs[1:]]
        scale = (mandates * 0.975) / sum(weights[1:])
        weights = [weights[0]] + [w * scale for w in weights[1:]]
        org_allowed = {o.pk: o.demarches_autorisees for o in orgs}
        org_ids = [o.pk for o in orgs]
        out.seconds["organisations et aidants"] = time.perf_counter() - step
        log(f"  … {out.organisations} organisations, {out.aidants} aidants")

        # Usagers, their mandates and authorisations, planned in memory (the journal refers to them).
        step = time.perf_counter()
        usager_rows, mandat_rows, autorisation_rows = [], [], []
        # Per mandate, for the journal: (mandat id, organisation, usager uuid, author,
        # [(autorisation id, démarche)], debut, fin, durée)
        plan = []
        mandat_id = autorisation_id = 0
        while mandat_id < mandates:
            usager_id = len(usager_rows) + 1
            usager_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            usager_rows.append(
                (
                    usager_id,
                    usager_uuid,
                    hashlib.sha256(f"bench-usager-{usager_id}".encode()).hexdigest(),
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    datetime.date(1935 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    now - rng.randrange(1, 1100) * DAY,
                )
            )
            org = rng.choices(org_ids, weights)[0]
            count = min(mandates - mandat_id, _weighted(rng, ((1, 0.6), (2, 0.3), (3, 0.1))))
            # Built backwards from the last mandate, active about a third of the time (a fifth of all mandates).
            last_active = rng.random() < 0.32
            chain = []
            end = now + rng.random() * 300 * DAY if last_active else now - rng.uniform(1, 700) * DAY
            for j in range(count):
                duree = _weighted(rng, DUREES)
                length = DUREE_DAYS[duree] * DAY
                if j == 0 and last_active:
                    debut = now - rng.random() * length * 0.97
                else:
                    debut = end - length
                fin = mandat_end(debut, duree)
                chain.append((duree, debut, fin))
                end = debut - rng.uniform(0, 90) * DAY
            chain.reverse()
            previous = None
            for duree, debut, fin in chain:
                mandat_id += 1
                author = rng.choice(aidants_by_org[org])
                revoked = rng.random() < 0.05
                revoked_at = min(debut + (fin - debut) * rng.random(), now) if revoked else None
                revoked_at = revoked_at if revoked_at is None or revoked_at > debut else debut + datetime.timedelta(1)
                mandat_rows.append(
                    (
                        mandat_id,
                        org,
                        usager_id,
                        duree,
                        debut,
                        fin,
                        "2026-12",
                        author,
                        previous if previous and rng.random() < 0.5 else None,
                        revoked_at,
                        author if revoked else None,
                        debut,
                        usager_rows[-1][4],
                        usager_rows[-1][3],
                    )
                )
                demarches = rng.sample(org_allowed[org], min(len(org_allowed[org]), rng.randint(1, 4)))
                demarches.sort(key=all_demarches.index)
                autos = []
                for k, demarche in enumerate(demarches):
                    autorisation_id += 1
                    alone = revoked_at is None and k > 0 and rng.random() < 0.03
                    a_revoked = revoked_at or (min(debut + DAY, now) if alone else None)
                    autorisation_rows.append(
                        (autorisation_id, mandat_id, demarche, a_revoked, author if a_revoked else None, None)
                    )
                    autos.append((autorisation_id, demarche))
                plan.append((mandat_id, org, usager_uuid, author, autos, debut, fin, duree))
                previous = mandat_id
        out.seconds["préparation"] = time.perf_counter() - step

        step = time.perf_counter()
        with transaction.atomic(), LoadWithoutIndexes(connection, tables):
            out.usagers = writer.write(
                "aidants_usager",
                ("id", "uuid", "sub_hash", "given_names", "family_name", "birthdate", "created_at"),
                usager_rows,
            )
            out.mandats = writer.write(
                "aidants_mandat",
                (
                    "id",
                    "organisation_id",
                    "usager_id",
                    "duree",
                    "debut",
                    "fin",
                    "consentement_version",
                    "cree_par_id",
                    "remplace_id",
                    "revoked_at",
                    "revoked_by_id",
                    "created_at",
                    "usager_nom",
                    "usager_prenoms",
                ),
                mandat_rows,
            )
            out.autorisations = writer.write(
                "aidants_autorisation",
                ("id", "mandat_id", "demarche", "revoked_at", "revoked_by_id", "remplacee_par_id"),
                autorisation_rows,
            )
        for table in tables:
            writer.reset_sequence(table)
        del usager_rows, mandat_rows, autorisation_rows
        out.seconds["usagers, mandats, autorisations"] = time.perf_counter() - step
        made = f"{out.usagers:,} usagers, {out.mandats:,} mandats, {out.autorisations:,} autorisations"
        log(f"  … {made}".replace(",", " "))

    # The journal: one episode per mandate (identity, authorisations, mandate), then uses and connections.
    # The hot loop of the whole generation (10 M rows): each row's canonical content (the exact bytes of
    # `canonical_content`, asserted on the first episode below) is formatted once, hashed, and on PostgreSQL the
    # COPY text line is built from the same strings and sent in large chunks (no per-value adaptation).
    step = time.perf_counter()
    sha256 = hashlib.sha256
    per_mandate = max(1, entries // max(1, len(plan)))
    start = (now - 1000 * DAY).astimezone(datetime.UTC)
    tick = (now - start) / max(1, entries)
    pg = connection.vendor == "postgresql"
    refused_text = canonical_payload({"code": "autorisation_expiree", "tentative": "agir_pour_usager"})
    identity_text = canonical_payload({"source": "saisie_aidant"})
    empty_text = canonical_payload({})

    def episodes():
        """Per mandate, its entries as (action, actor, organisation, usager, démarche, mandat or "", payload text)."""
        order = list(range(len(plan)))
        rng.shuffle(order)
        index = 0
        while True:
            m_id, org, usager, author, autos, debut, fin, duree = plan[order[index % len(order)]]
            index += 1
            fin_text = fin.isoformat()
            used = [(d, canonical_payload({"autorisation": a})) for a, d in autos]
            episode = [("identite_usager", author, org, usager, "", "", identity_text)]
            episode += [
                (
                    "autorisation_creee",
                    author,
                    org,
                    usager,
                    d,
                    m_id,
                    canonical_payload({"autorisation": a, "fin": fin_text}),
                )
                for a, d in autos
            ]
            created = {
                "consentement": "2026-12",
                "debut": debut.isoformat(),
                "demarches": [d for _, d in autos],
                "duree": duree,
                "fin": fin_text,
                "remplace": None,
            }
            episode.append(("mandat_cree", author, org, usager, "", m_id, canonical_payload(created)))
            while len(episode) < per_mandate:
                d, text = used[rng.randrange(len(used))]
                kind = rng.random()
                if kind < 0.5:
                    episode.append(("autorisation_verifiee", author, org, usager, d, m_id, text))
                elif kind < 0.8:
                    episode.append(("connexion", author, org, "", "", "", empty_text))
                elif kind < 0.9:
                    episode.append(("mandat_utilise", author, org, usager, d, m_id, text))
                else:
                    episode.append(("tentative_refusee", author, org, usager, d, "", refused_text))
            yield episode

    def chunks(size: int = 20_000):
        """Lists of rows: COPY text lines on PostgreSQL, value tuples elsewhere."""
        seq, previous, chunk = 0, GENESIS_HASH, []
        checked = False
        for episode in episodes():
            for action, actor, organisation, usager_text, demarche, mandat, text in episode:
                seq += 1
                if seq > entries:
                    if chunk:
                        yield chunk
                    return
                created_at = start + tick * seq
                stamp = created_at.isoformat(timespec="microseconds")
                content = (
                    f"{seq}\n{stamp}\n{action}\n{actor}\n{organisation}\n{usager_text}\n{demarche}\n{mandat}\n"
                    f"{text}\n{previous}"
                )
                if not checked:
                    expected = canonical_content(
                        seq,
                        created_at,
                        action,
                        actor,
                        organisation,
                        usager_text,
                        demarche,
                        mandat or None,
                        text,
                        previous,
                    )
                    assert content.encode() == expected, "le contenu haché du banc diffère de canonical_content"
                    checked = seq >= len(episode)
                digest = sha256(content.encode()).hexdigest()
                if pg:
                    copy_text = text.replace("\\", "\\\\") if "\\" in text else text
                    chunk.append(
                        f"{seq}\t{stamp}\t{action}\t{actor}\t{organisation}\t{usager_text}\t{demarche}\t"
                        f"{mandat if mandat != '' else NULL}\t{copy_text}\t{previous}\t{digest}\n"
                    )
                else:
                    chunk.append(
                        (seq, created_at, action, actor, organisation, usager_text, demarche, mandat or None, text,
                         previous, digest)
                    )  # fmt: skip
                previous = digest
                if seq % 1_000_000 == 0:
                    log(f"  … {seq:,} entrées du journal".replace(",", " "))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    journal_columns = (
        "seq",
        "created_at",
        "action",
        "actor_id",
        "organisation_id",
        "usager",
        "demarche",
        "mandat_id",
        "payload",
        "previous_hash",
        "entry_hash",
    )
    with transaction.atomic(), LoadWithoutIndexes(connection, ("aidants_journalentry",)):
        if pg:
            out.entries = writer.write_lines("aidants_journalentry", journal_columns, chunks())
        else:
            out.entries = writer.write(
                "aidants_journalentry", journal_columns, (row for chunk in chunks() for row in chunk)
            )
    out.seconds["journal"] = time.perf_counter() - step
    if connection.vendor == "postgresql":
        step = time.perf_counter()
        with connection.cursor() as cursor:
            for table in (*tables, "aidants_journalentry", "aidants_organisation", "aidants_aidant", "core_user"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        out.seconds["VACUUM ANALYZE"] = time.perf_counter() - step
    return out
