"""pg_dump and pg_restore never see the database password on their command line."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from tds.backup import archive
from tds.backup.contents import Manifest
from tds.backup.login import passfile_line, split_login
from tds.backup.tools import PgTools

SECRET = "s3cr:et\\pw"
URL = f"postgresql+asyncpg://tds:{SECRET.replace(':', '%3A').replace(chr(92), '%5C')}@db.example:5432/tds"

# A stand-in pg_dump: records its arguments and the passfile libpq would read, writes an empty dump.
FAKE_PG_DUMP = """#!{python}
import json, os, sys, urllib.parse
dbname = next(a for a in sys.argv if a.startswith("--dbname="))
query = urllib.parse.parse_qs(urllib.parse.urlsplit(dbname.split("=", 1)[1]).query)
passfile = query["passfile"][0]
record = {{"argv": sys.argv, "passfile": open(passfile).read(), "mode": os.stat(passfile).st_mode}}
open({record!r}, "w").write(json.dumps(record))
"""


def test_the_url_loses_its_password_wherever_it_was_written() -> None:
    assert split_login(URL).dsn == "postgresql://tds@db.example:5432/tds"
    assert split_login(URL).password == SECRET
    in_query = split_login("postgresql://tds@db/tds?password=pw&sslmode=require")
    assert (in_query.dsn, in_query.password) == ("postgresql://tds@db/tds?sslmode=require", "pw")
    assert split_login("postgresql://tds@db/tds").password is None


def test_the_passfile_escapes_colons_and_backslashes() -> None:
    assert passfile_line(SECRET) == "*:*:*:*:s3cr\\:et\\\\pw\n"


def test_pg_dump_gets_the_password_through_a_private_passfile(tmp_path: Path) -> None:
    """The argv built for pg_dump holds no password; the passfile (0600) does, and is gone afterwards."""
    record = tmp_path / "record.json"
    fake = tmp_path / "pg_dump"
    fake.write_text(FAKE_PG_DUMP.format(python=sys.executable, record=str(record)))
    fake.chmod(0o700)
    target = tmp_path / "out.dump.gz"
    archive.dump(PgTools(fake, fake, 15), URL, ["--schema=tds"], target, Manifest("tds"))
    seen = json.loads(record.read_text())
    assert not any(SECRET in arg or "s3cr" in arg for arg in seen["argv"])
    assert seen["passfile"] == passfile_line(SECRET)
    assert stat.S_IMODE(seen["mode"]) == 0o600
    passfile = next(a for a in seen["argv"] if a.startswith("--dbname=")).split("passfile=")[1]
    assert not Path(passfile.replace("%2F", "/")).exists()
    assert archive.read_manifest(target) == Manifest("tds")
