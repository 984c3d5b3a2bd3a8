"""Fetch and verify a CPython source tarball, from wherever this machine can reach.

Order: a tarball already verified into gilbench's cache; python.org (checked
against the SHA-256 digest python.org publishes for the file); Debian's source
archive through the apt mirror this machine is already configured to use
(apt checks the signed release file, the ``Sources`` index and the ``.dsc``
checksums).  No mirror host name is written here: it is read from the
machine's apt configuration.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import layout
from bench.provision import cache

PYTHON_ORG_FTP = "https://www.python.org/ftp/python/"
PYTHON_ORG_API = "https://www.python.org/api/v2/downloads/"
NETWORK_TIMEOUT_S = 10.0
DEBIAN_SUITES = ("trixie", "forky", "sid")
"""Debian suites searched, oldest first, for a ``python3.N`` source package."""


class SourceUnavailable(RuntimeError):
    """No verified tarball could be had; the message lists what was tried."""


@dataclass
class SourceTarball:
    path: Path
    version: str  # "3.13.5"
    origin: str  # "python.org", "Debian source archive (trixie, 3.13.5-2+deb13u5)", "cache"
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _matches(version: str, wanted: tuple[int, ...]) -> bool:
    return _version_tuple(version)[: len(wanted)] == wanted


def cached_tarball(wanted: tuple[int, ...]) -> SourceTarball | None:
    """The newest verified tarball in the cache whose version starts with ``wanted``."""
    root = cache.sources_dir()
    best: SourceTarball | None = None
    for meta_path in root.glob("Python-*.json") if root.is_dir() else []:
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            continue
        tarball = root / meta.get("file", "")
        if not tarball.is_file() or not _matches(meta["version"], wanted):
            continue
        if best is None or _version_tuple(meta["version"]) > _version_tuple(best.version):
            best = SourceTarball(tarball, meta["version"], meta["origin"], meta["sha256"])
    return best


def _store(downloaded: Path, version: str, origin: str) -> SourceTarball:
    """Move a verified tarball into the cache, with a small record of where it came from."""
    root = cache.sources_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"Python-{version}.tar.xz"
    digest = sha256_of(downloaded)
    shutil.move(str(downloaded), target)
    meta = {"file": target.name, "version": version, "origin": origin, "sha256": digest}
    layout.write_atomically(root / f"Python-{version}.json", json.dumps(meta, indent=2))
    return SourceTarball(target, version, origin, digest)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=NETWORK_TIMEOUT_S) as response:  # noqa: S310 (https only)
        data: bytes = response.read()
        return data


def from_python_org(wanted: tuple[int, ...], workdir: Path) -> SourceTarball:
    """Download the newest matching release from python.org and check its published SHA-256."""
    listing = _get(PYTHON_ORG_FTP).decode("utf-8", "replace")
    prefix = ".".join(str(part) for part in wanted[:2])
    versions = sorted(
        {v for v in re.findall(r'href="(\d+\.\d+\.\d+)/"', listing) if _matches(v, wanted)},
        key=_version_tuple,
        reverse=True,
    )
    if not versions:
        raise SourceUnavailable(f"python.org lists no release {prefix}")
    for version in versions:
        url = f"{PYTHON_ORG_FTP}{version}/Python-{version}.tar.xz"
        expected = _python_org_digest(version, url)
        if expected is None:
            continue  # an unreleased folder (pre-releases only) or no digest published
        target = workdir / f"Python-{version}.tar.xz"
        target.write_bytes(_get(url))
        actual = sha256_of(target)
        if actual != expected:
            raise SourceUnavailable(f"{url}: SHA-256 {actual} differs from the published {expected}")
        return _store(target, version, "python.org")
    raise SourceUnavailable(f"python.org publishes no digest for any {prefix} tarball")


def _python_org_digest(version: str, url: str) -> str | None:
    """The SHA-256 python.org's downloads API publishes for ``url``."""
    name = urllib.parse.quote(f"Python {version}")
    releases = json.loads(_get(f"{PYTHON_ORG_API}release/?name={name}"))
    if not releases:
        return None
    release_id = releases[0]["resource_uri"].rstrip("/").rsplit("/", 1)[-1]
    for item in json.loads(_get(f"{PYTHON_ORG_API}release_file/?release={release_id}")):
        if item.get("url") == url and item.get("sha256_sum"):
            return str(item["sha256_sum"]).lower()
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def apt_source_entries(apt_dir: Path) -> list[tuple[list[str], list[str]]]:
    """(URIs, suites) of every apt source, in one-line (.list) and deb822 (.sources) style."""
    entries: list[tuple[list[str], list[str]]] = []
    for path in [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.list"))]:
        for line in _read(path).splitlines():
            fields = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
            if len(fields) >= 3 and fields[0] in ("deb", "deb-src"):
                entries.append(([fields[1]], [fields[2]]))
    for path in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        for stanza in _read(path).split("\n\n"):
            values: dict[str, list[str]] = {}
            for line in stanza.splitlines():
                if ":" in line and not line.startswith(("#", " ")):
                    key, value = line.split(":", 1)
                    values[key.strip().lower()] = value.split()
            if "uris" in values and "suites" in values:
                entries.append((values["uris"], values["suites"]))
    return entries


def debian_mirror(apt_dir: Path = Path("/etc/apt"), os_release: Path = Path("/etc/os-release")) -> str | None:
    """The Debian archive URI this machine's apt already uses (never a hard-coded host)."""
    codename = None
    for line in _read(os_release).splitlines():
        if line.startswith("VERSION_CODENAME="):
            codename = line.split("=", 1)[1].strip().strip('"')
    for uris, suites in apt_source_entries(apt_dir):
        if codename in suites or any(suite in DEBIAN_SUITES for suite in suites):
            for uri in uris:
                if uri.rstrip("/").endswith("/debian"):
                    return uri.rstrip("/")
    return None


def from_debian(wanted: tuple[int, ...], workdir: Path, log: Path) -> SourceTarball:
    """Download the ``python3.N`` source package with apt into ``workdir``.

    A private apt state folder keeps the machine's own apt lists untouched, and
    apt verifies the signed ``InRelease``, the ``Sources`` index and the ``.dsc``.
    """
    if shutil.which("apt-get") is None:
        raise SourceUnavailable("apt-get is not installed (not a Debian-like system)")
    mirror = debian_mirror()
    if mirror is None:
        raise SourceUnavailable("no Debian archive found in /etc/apt sources")
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    package = "python" + ".".join(str(part) for part in wanted[:2])
    tried = []
    for suite in DEBIAN_SUITES:
        state = workdir / f"apt-{suite}"
        for sub in ("lists/partial", "cache/archives/partial", "parts", "download"):
            (state / sub).mkdir(parents=True, exist_ok=True)
        (state / "sources.list").write_text(f"deb-src [signed-by={keyring}] {mirror} {suite} main\n")
        options = [
            f"-oDir::Etc::SourceList={state / 'sources.list'}",
            f"-oDir::Etc::SourceParts={state / 'parts'}",
            f"-oDir::State::Lists={state / 'lists'}",
            f"-oDir::Cache={state / 'cache'}",
            "-oAPT::Sandbox::User=root" if os.geteuid() == 0 else "-oDebug::NoLocking=1",
            "-oAcquire::Retries=1",
            f"-oAcquire::http::Timeout={int(NETWORK_TIMEOUT_S)}",
        ]
        with open(log, "a") as log_handle:
            update = subprocess.run(
                ["apt-get", *options, "update"], stdout=log_handle, stderr=subprocess.STDOUT, check=False
            )
            if update.returncode != 0:
                tried.append(f"{suite}: apt-get update failed (see {log})")
                continue
            fetch = subprocess.run(
                ["apt-get", *options, "source", "--download-only", package],
                cwd=state / "download",
                stdout=log_handle,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if fetch.returncode != 0:
            tried.append(
                f"{suite}: apt-get source {package} failed (not in the suite, or not on the mirror; see {log})"
            )
            continue
        found = sorted((state / "download").glob(f"{package}_*.orig.tar.xz"))
        if not found:
            tried.append(f"{suite}: {package} has no .orig.tar.xz")
            continue
        version = found[0].name.split("_", 1)[1].split(".orig", 1)[0]
        if not _matches(version, wanted):
            tried.append(f"{suite}: has {package} {version}, not {'.'.join(map(str, wanted))}")
            continue
        dsc = sorted((state / "download").glob(f"{package}_*.dsc"))
        debian_version = dsc[0].stem.split("_", 1)[1] if dsc else version
        return _store(found[0], version, f"Debian source archive ({suite}, {package} {debian_version})")
    raise SourceUnavailable("Debian source archive: " + "; ".join(tried))


def fetch_source(wanted: tuple[int, ...], log: Path) -> SourceTarball:
    """A verified tarball for a CPython version prefix such as (3, 13) or (3, 13, 5)."""
    found = cached_tarball(wanted)
    if found is not None:
        return found
    tried = []
    with tempfile.TemporaryDirectory(prefix="gilbench-src-") as tmp:
        workdir = Path(tmp)
        try:
            return from_python_org(wanted, workdir)
        except (OSError, urllib.error.URLError, ValueError, KeyError, SourceUnavailable) as exc:
            tried.append(f"python.org: {getattr(exc, 'reason', exc)}")
        try:
            return from_debian(wanted, workdir, log)
        except (OSError, SourceUnavailable) as exc:
            tried.append(str(exc))
    raise SourceUnavailable("; ".join(tried))
