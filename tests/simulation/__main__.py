"""`python -m tests.simulation --patients 1000 --days 365 --seed 1 [--database-url …]`: one
simulated run and its report; on failure, each failing patient's trail and the command that
replays only them. Exit status 1 when the oracle or the people found something."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from tests.simulation.report import describe
from tests.simulation.run import simulate
from tests.simulation.world import Options
from tests.support.database import create_postgres_database, drop_postgres_database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.simulation", description=__doc__)
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql://user@host:port/db): the run gets a fresh "
        "database on it, dropped afterwards. Default: a SQLite file in a temporary directory",
    )
    parser.add_argument("--only-patient", type=int, help="replay one patient (their index)")
    parser.add_argument("--no-faults", action="store_true", help="no crashes, no outages")
    args = parser.parse_args(argv)
    logging.getLogger().setLevel(logging.ERROR)  # retry warnings during outages are expected
    with tempfile.TemporaryDirectory() as workdir:
        created = None
        if args.database_url:
            os.environ["TEST_DATABASE_URL"] = args.database_url
            created = create_postgres_database()
            url = created
        else:
            url = f"sqlite:///{Path(workdir) / 'simulation.db'}"
        try:
            outcome = simulate(
                Options(
                    patients=args.patients,
                    days=args.days,
                    seed=args.seed,
                    database_url=url,
                    only_patient=args.only_patient,
                    second_sender=created is not None,
                    faults=not args.no_faults,
                )
            )
        finally:
            if created is not None:
                drop_postgres_database(created)
    print(describe(outcome))
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
