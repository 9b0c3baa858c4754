"""The import command end to end: files on disk, atomic writes, exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from app import create_app
from geo.data import FACILITIES_NAME, read_facilities
from tests.conftest import copy_datasets

GOOD = "Name;Art;Breitengrad;Längengrad\nTreff am Markt;Stadtteiltreff;51,5339;9,9355\n"
BAD = GOOD + "Kaputt;Stadtteiltreff;xx;9,9\n"


@pytest.fixture
def data_dir(tmp_path):
    return copy_datasets(tmp_path / "datasets")


@pytest.fixture
def runner(data_dir):
    app = create_app({"DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"})
    return app.test_cli_runner()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_adds_rows_and_reimport_updates(runner, data_dir, tmp_path):
    before = read_facilities(data_dir / FACILITIES_NAME)
    result = runner.invoke(args=["facilities", "import", str(write(tmp_path, "liste.csv", GOOD))])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated" in result.output
    after = read_facilities(data_dir / FACILITIES_NAME)
    assert len(after) == len(before) + 1
    row = after[after["name"] == "Treff am Markt"].iloc[0]
    assert row["ags"] == "03159016" and row["category"] == "treffpunkt"

    again = runner.invoke(args=["facilities", "import", str(write(tmp_path, "liste.csv", GOOD))])
    assert again.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in again.output
    assert len(read_facilities(data_dir / FACILITIES_NAME)) == len(after)


def test_bad_row_rejects_the_whole_import(runner, data_dir, tmp_path):
    original = (data_dir / FACILITIES_NAME).read_bytes()
    result = runner.invoke(args=["facilities", "import", str(write(tmp_path, "l.csv", BAD))])
    assert result.exit_code == 1
    assert "row 3: lat: 'xx' is not a number" in result.output
    assert "nothing written" in result.output
    assert (data_dir / FACILITIES_NAME).read_bytes() == original


def test_skip_invalid_and_dry_run(runner, data_dir, tmp_path):
    original = (data_dir / FACILITIES_NAME).read_bytes()
    path = write(tmp_path, "l.csv", BAD)
    dry = runner.invoke(args=["facilities", "import", str(path), "--skip-invalid", "--dry-run"])
    assert dry.exit_code == 0 and "dry run: nothing written" in dry.output
    assert (data_dir / FACILITIES_NAME).read_bytes() == original
    real = runner.invoke(args=["facilities", "import", str(path), "--skip-invalid"])
    assert real.exit_code == 0 and "1 added" in real.output


def test_unreadable_file_exits_2(runner, tmp_path):
    path = tmp_path / "leer.csv"
    path.write_bytes(b"")
    result = runner.invoke(args=["facilities", "import", str(path)])
    assert result.exit_code == 2 and "the file is empty" in result.output


def test_format_option_overrides_the_name(runner, tmp_path):
    doc = {
        "elements": [
            {
                "type": "node",
                "id": 7,
                "lat": 51.5339,
                "lon": 9.9355,
                "tags": {"amenity": "social_centre", "name": "Sozialzentrum Test"},
            }
        ]
    }
    path = write(tmp_path, "export.txt", json.dumps(doc))
    result = runner.invoke(args=["facilities", "import", str(path), "--format", "osm"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output


def test_a_crash_while_writing_leaves_the_old_file(runner, data_dir, tmp_path, monkeypatch):
    original = (data_dir / FACILITIES_NAME).read_bytes()

    def explode(self, *args, **kwargs):
        handle = args[0]
        handle.write("id,name\nhalf")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", explode)
    result = runner.invoke(args=["facilities", "import", str(write(tmp_path, "l.csv", GOOD))])
    assert result.exit_code != 0
    assert (data_dir / FACILITIES_NAME).read_bytes() == original
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []
