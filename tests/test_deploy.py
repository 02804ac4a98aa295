"""Deploy files: the Dockerfile, its .dockerignore and the systemd unit say what the code
does (real subcommands and flags, the cache where ServeConfig puts it, /healthz), and the
unit passes ``systemd-analyze verify``. Docker itself is not needed: the image is not built
here, its Dockerfile is read."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path, PurePosixPath

import pytest

from outreach.cli import parser
from outreach.serve import ServeConfig

from .conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"
UNIT = ROOT / "deploy" / "systemd" / "outreach-desk.service"
INSTALLED = "/opt/outreach"
"""Where the unit expects the checkout (and its .venv from setup.sh)."""


# --- the Dockerfile ------------------------------------------------------------------------

def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined and comments dropped."""
    found, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        found.append((word.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return found


@pytest.fixture(scope="module")
def docker() -> list[tuple[str, str]]:
    return _instructions(DOCKERFILE.read_text(encoding="utf-8"))


def _all(docker, word: str) -> list[str]:
    return [rest for name, rest in docker if name == word]


def _env(docker) -> dict[str, str]:
    env = {}
    for rest in _all(docker, "ENV"):
        for pair in shlex.split(rest):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def _ignored(path: str, patterns: list[str]) -> bool:
    """True if .dockerignore's patterns leave ``path`` (or a folder holding it) out."""
    parts = PurePosixPath(path).parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if fnmatch.fnmatch(prefix, pattern) or (pattern.startswith("**/") and fnmatch.fnmatch(
                    parts[depth - 1], pattern[3:])):
                return True
    return False


def test_the_image_is_debian_and_runs_setup_sh(docker):
    assert docker[0][0] == "FROM"
    assert re.fullmatch(r"(debian:bookworm(-slim)?|python:3\.11(-slim)?(-bookworm)?)", docker[0][1])
    runs = " ".join(_all(docker, "RUN"))
    assert "bash setup.sh" in runs, "setup.sh stays the one place for system packages"
    assert "apt-get install" not in runs


def test_the_image_copies_only_files_that_exist_and_are_not_ignored(docker):
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    copied = []
    for rest in _all(docker, "COPY"):
        *sources, _ = shlex.split(rest)
        for source in sources:
            assert not source.startswith("--"), f"COPY {rest}: the build context only"
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
            assert not _ignored(source.rstrip("/"), patterns), f"{source} is in .dockerignore"
            copied.append(source.rstrip("/"))
    needed = {"build.py", "outreach", "templates", "content", "setup.sh", "pyproject.toml"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed |= {project["readme"], *project["license-files"]}  # pip install -e . reads them
    assert needed <= set(copied), needed - set(copied)
    setup = next(i for i, (name, rest) in enumerate(docker) if "setup.sh" in rest and name == "RUN")
    before = {s.rstrip("/") for name, rest in docker[:setup] if name == "COPY"
              for s in shlex.split(rest)[:-1]}
    assert needed - {"templates", "content"} <= before, "setup.sh installs the package first"
    assert _ignored(".git/config", patterns) and _ignored(".venv/bin/python", patterns)
    assert _ignored("outreach/__pycache__/cli.cpython-311.pyc", patterns)


def test_the_image_runs_the_desk_as_a_user_with_the_cache_as_a_volume(docker, monkeypatch):
    users = _all(docker, "USER")
    assert users and users[-1] not in ("root", "0"), "the desk never runs as root"
    assert re.search(rf"useradd .*\b{re.escape(users[-1])}\b", " ".join(_all(docker, "RUN")))
    assert _all(docker, "EXPOSE") == ["8000"]
    command = json.loads(_all(docker, "CMD")[-1])
    assert command[:2] == ["python", "build.py"]
    args = parser().parse_args(command[2:])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8000)
    (volume,) = json.loads(_all(docker, "VOLUME")[0])
    monkeypatch.setenv("XDG_CACHE_HOME", _env(docker)["XDG_CACHE_HOME"])
    assert ServeConfig().cache_dir.is_relative_to(volume), "the cache is the volume"
    assert args.out.is_relative_to(volume), "and so is the gallery's output folder"
    assert _env(docker)["PATH"].startswith("/app/.venv/bin:"), "python is setup.sh's venv"
    assert [rest for name, rest in docker if name == "WORKDIR"] == ["/app"]


def _healthcheck(docker) -> str:
    (check,) = _all(docker, "HEALTHCHECK")
    command = json.loads(check[check.index("CMD") + 3:].strip())
    assert command[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in command[2]
    return command[2]


def test_the_healthcheck_asks_healthz_and_fails_when_the_desk_is_down(docker, tmp_path):
    code = _healthcheck(docker)
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--out",
         str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
        assert url, "the desk did not start"
        here = code.replace(":8000/", f":{url.group(1)}/")
        for _ in range(50):  # it prints its address a moment before it listens
            check = subprocess.run([sys.executable, "-c", here], capture_output=True, timeout=30)
            if check.returncode == 0 or b"Connection refused" not in check.stderr:
                break
            time.sleep(0.1)
        assert check.returncode == 0, check.stderr
    finally:
        server.terminate()
        server.communicate(timeout=30)
    down = subprocess.run([sys.executable, "-c", here], capture_output=True, timeout=30)
    assert down.returncode != 0


# --- the systemd unit ----------------------------------------------------------------------

def _unit(text: str) -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


@pytest.fixture(scope="module")
def service() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in _unit(UNIT.read_text(encoding="utf-8"))["Service"]:
        values.setdefault(key, []).append(value)
    return values


def _environment(service) -> dict[str, str]:
    return dict(pair.split("=", 1) for line in service["Environment"] for pair in shlex.split(line))


def _exec_start(service) -> list[str]:
    (line,) = service["ExecStart"]
    env = _environment(service)
    return [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word) for word in shlex.split(line)]


def test_the_unit_starts_a_real_subcommand_with_real_flags(service):
    argv = _exec_start(service)
    assert argv[0] == f"{INSTALLED}/.venv/bin/python", "setup.sh's venv"
    assert argv[1] == f"{INSTALLED}/build.py" and (ROOT / "build.py").is_file()
    assert service["WorkingDirectory"] == [INSTALLED]
    try:
        args = parser().parse_args(argv[2:])
    except SystemExit:
        pytest.fail(f"build.py refuses the unit's arguments: {argv[2:]}")
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 8000)


def test_the_unit_is_hardened_and_writes_only_its_cache(service, monkeypatch):
    one = {key: values[-1] for key, values in service.items()}
    assert one["ProtectSystem"] == "strict" and one["Restart"] == "on-failure"
    assert one.get("DynamicUser") == "yes" or one.get("User") not in (None, "root", "0")
    assert one["EnvironmentFile"].lstrip("-").startswith("/etc/"), "the password's file"
    assert "OUTREACH_PASSWORD" not in service["Environment"][0], "never in the unit itself"
    for key in ("ProtectHome", "PrivateTmp", "NoNewPrivileges", "PrivateDevices"):
        assert one[key] == "yes", key
    assert one["CapabilityBoundingSet"] == ""
    cache = Path("/var/cache") / one["CacheDirectory"]
    monkeypatch.setenv("XDG_CACHE_HOME", _environment(service)["XDG_CACHE_HOME"])
    assert ServeConfig().cache_dir.is_relative_to(cache), "ProtectSystem=strict: only there"
    assert parser().parse_args(_exec_start(service)[2:]).out.is_relative_to(cache)


def test_systemd_analyze_verifies_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The unit as installed at this checkout: its python and build.py must exist to verify.
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace(f"{INSTALLED}/.venv/bin/python", sys.executable)
    text = text.replace(INSTALLED, str(ROOT))
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    said = [line for line in (result.stdout + result.stderr).splitlines() if UNIT.name in line]
    assert not said, "\n".join(said)  # verify only warns about an unknown key or bad value
