"""The deployment files (deploy/) checked without a Docker engine or a cluster.

They must parse, name only settings the app reads, run only `rapport` commands the CLI
accepts, and keep their promises: migrations before the bot starts, a working health
check, non-root users, probes on the right port, and no secrets.
"""

from __future__ import annotations

import argparse
import configparser
import contextlib
import json
import os
import re
import shlex
import stat
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, get_args

import pytest
import yaml
from pydantic import SecretStr, ValidationError

from bot.cli import build_parser
from bot.config import TOKEN_SHAPE, Settings
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
UNIT = DEPLOY / "rapport.service"
K8S = DEPLOY / "k8s"

ALIASES: frozenset[str] = frozenset(
    field.alias for field in Settings.model_fields.values() if field.alias is not None
)
"""Every environment variable the app reads, from its settings (no hand-made list)."""
FIELDS_BY_ALIAS = {field.alias: field for field in Settings.model_fields.values()}
SECRET_ALIASES = frozenset(
    alias
    for alias, field in FIELDS_BY_ALIAS.items()
    if field.annotation is SecretStr or SecretStr in get_args(field.annotation)
)
BOT_TOKEN = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")
SHELL_KEYWORDS = {"if", "then", "elif", "else", "while", "until", "do", "!", "{", "("}


# --- helpers: parsing the files ----------------------------------------------------------


def yaml_docs(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def k8s_objects() -> dict[str, dict[str, Any]]:
    """Kind -> object, across deploy/k8s (one object of each kind)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml_docs(path):
            assert doc["kind"] not in found, f"two {doc['kind']} objects in deploy/k8s"
            found[doc["kind"]] = doc
    return found


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def exec_form(arguments: str) -> list[str]:
    """An instruction's command as argv: JSON (exec) form, or shell form via /bin/sh -c."""
    if arguments.startswith("["):
        argv = json.loads(arguments)
        assert isinstance(argv, list) and all(isinstance(a, str) for a in argv)
        return argv
    return ["/bin/sh", "-c", arguments]


def last(keyword: str) -> str | None:
    values = [rest for kw, rest in dockerfile_instructions() if kw == keyword]
    return values[-1] if values else None


def image_entrypoint() -> list[str]:
    entrypoint = last("ENTRYPOINT")
    return exec_form(entrypoint) if entrypoint else []


def image_cmd() -> list[str]:
    cmd = last("CMD")
    return exec_form(cmd) if cmd else []


def copied_files() -> dict[str, tuple[Path, list[str]]]:
    """Image path -> (repository file, COPY flags) for files COPY'd from the build context."""
    copies: dict[str, tuple[Path, list[str]]] = {}
    for keyword, rest in dockerfile_instructions():
        if keyword != "COPY":
            continue
        words = shlex.split(rest)
        flags = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        *sources, target = paths
        if len(sources) == 1 and not target.endswith("/"):
            copies[target] = (ROOT / sources[0], flags)
    return copies


def unit_sections(path: Path = UNIT) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as section -> [(key, value)], repeated keys kept in order."""
    parser = configparser.ConfigParser(
        strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))  # fails on a malformed unit
    sections: dict[str, list[tuple[str, str]]] = {}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():  # again, keeping repeats
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            sections[section] = []
            continue
        key, sep, value = line.partition("=")
        assert sep and section, f"not a unit-file line: {raw!r}"
        sections[section].append((key.strip(), value.strip()))
    assert set(sections) == set(parser.sections())
    return sections


def unit_values(section: str, key: str) -> list[str]:
    return [v for k, v in unit_sections().get(section, []) if k == key]


def systemd_argv(value: str) -> list[str]:
    """An Exec*= line as argv (without systemd's -, @, +, ! and : prefixes)."""
    argv = shlex.split(value)
    argv[0] = argv[0].lstrip("-@+!:")
    return argv


def env_example() -> list[tuple[str, str, bool, list[str]]]:
    """(name, value, commented out?, the comment block above it) per assignment line."""
    found: list[tuple[str, str, bool, list[str]]] = []
    comments: list[str] = []
    assignment = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        match = assignment.match(line)
        if match:
            found.append((match[2], match[3], match[1] is not None, comments))
            comments = []
        elif line.startswith("#"):
            comments.append(line.lstrip("#").strip())
        else:
            comments = []
    return found


def is_rapport(word: str) -> bool:
    return PurePosixPath(word).name == "rapport"


def rapport_commands(argv: list[str]) -> list[list[str]]:
    """The `rapport` invocations in argv: argv itself, or inside `sh -c SCRIPT`."""
    if argv and is_rapport(argv[0]):
        return [argv[1:]]
    if len(argv) >= 3 and PurePosixPath(argv[0]).name in ("sh", "bash") and argv[1] == "-c":
        return shell_rapport_commands(argv[2])
    return []


def shell_rapport_commands(script: str) -> list[list[str]]:
    """The `rapport ...` simple commands in a shell script (after exec, then, &&, ...)."""
    found: list[list[str]] = []
    for raw in script.splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        command: list[str] = []
        for token in [*lexer, ";"]:
            if token in ("&&", "||", ";", "|", "&", ";;"):
                words = list(command)
                while words and (words[0] in SHELL_KEYWORDS or words[0] == "exec"):
                    words.pop(0)
                if words and is_rapport(words[0]):
                    found.append(words[1:])
                command = []
            else:
                command.append(token)
    return found


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting comes from this machine's environment."""
    for alias in ALIASES:
        monkeypatch.delenv(alias, raising=False)


def refused(values: dict[str, str]) -> str | None:
    """Why Settings refuses these values (None: accepted); .env files are not read."""
    try:
        Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]
    except ValidationError as exc:
        return str(exc)
    return None


def parses(argv: list[str]) -> argparse.Namespace:
    """`rapport ARGV` as the real CLI parses it; a test failure if it would not."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"`rapport {shlex.join(argv)}` is not a command bot.cli accepts")


# --- helpers: running commands with a stand-in `rapport` ----------------------------------


@pytest.fixture
def fake_rapport(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """An environment whose `rapport` only records its arguments (one JSON list a line)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    fake = bin_dir / "rapport"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['FAKE_RAPPORT_LOG'], 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "sys.exit(int(os.environ.get('FAKE_RAPPORT_FAIL_' + (sys.argv[1:2] or [''])[0], '0')))\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_RAPPORT_LOG": str(log)}
    yield env, log


def local_argv(argv: list[str]) -> list[str]:
    """argv as it would run in the image, with image paths mapped to the repository's files
    (a COPY'd script runs through its shebang's interpreter)."""
    copies = copied_files()
    if argv and argv[0] in copies:
        source = copies[argv[0]][0]
        shebang = source.read_text(encoding="utf-8").splitlines()[0]
        assert shebang.startswith("#!"), f"{source} has no #! line"
        return [*shebang[2:].split(), str(source), *argv[1:]]
    if argv and is_rapport(argv[0]):
        return ["rapport", *argv[1:]]
    return argv


def run_recorded(
    argv: list[str], fake: tuple[dict[str, str], Path], **extra_env: str
) -> tuple[int, list[list[str]]]:
    env, log = fake
    log.unlink(missing_ok=True)
    done = subprocess.run(
        local_argv(argv), env={**env, **extra_env}, capture_output=True, timeout=30, check=False
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done.returncode, calls


class _Status(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def status_server(status: int) -> Iterator[int]:
    handler = type("Handler", (_Status,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run_healthcheck(argv: list[str], env: dict[str, str]) -> int:
    command = [sys.executable, *argv[1:]] if argv[0] in ("python", "python3") else argv
    base = {"PATH": os.environ["PATH"]}
    return subprocess.run(
        command, env={**base, **env}, capture_output=True, timeout=30, check=False
    ).returncode


# --- every file -----------------------------------------------------------------------------


def all_yaml() -> list[Path]:
    return sorted([COMPOSE, *K8S.glob("*.yaml")])


@pytest.mark.parametrize("path", all_yaml(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_parses(path: Path) -> None:
    assert yaml_docs(path), f"{path} holds no YAML document"


def test_the_expected_files_exist() -> None:
    for path in (DOCKERFILE, COMPOSE, ENV_EXAMPLE, UNIT, DEPLOY / "README.md"):
        assert path.is_file(), path
    assert set(k8s_objects()) == {"Deployment", "Service", "Secret", "ConfigMap"}


def deploy_files() -> list[Path]:
    # deploy/.env is a local copy with real secrets, ignored by git: not a shipped file.
    files = [p for p in DEPLOY.rglob("*") if p.is_file() and p.name != ".env"]
    return sorted([*files, ROOT / ".dockerignore"])


def test_the_token_pattern_catches_a_token() -> None:
    fake = "1" * 10 + ":" + "Ab_-" * 9  # built here, so no file holds one
    assert BOT_TOKEN.search(f"TELEGRAM_BOT_TOKEN={fake}")
    assert not BOT_TOKEN.search("TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl")


@pytest.mark.parametrize("path", deploy_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_holds_a_bot_token(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    match = BOT_TOKEN.search(text)
    assert match is None, f"{path} holds something shaped like a bot token"


# --- environment variable names --------------------------------------------------------------


def compose() -> dict[str, Any]:
    docs = yaml_docs(COMPOSE)
    assert len(docs) == 1
    document = docs[0]
    assert isinstance(document, dict)
    return document


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {str(k): str(v) for k, v in environment.items()}


def k8s_env_names() -> dict[str, set[str]]:
    """Where -> names, for every env entry, ConfigMap key and Secret key in deploy/k8s."""
    objects = k8s_objects()
    names: dict[str, set[str]] = {
        "ConfigMap data": set(objects["ConfigMap"].get("data", {})),
        "Secret": set(objects["Secret"].get("stringData", {}))
        | set(objects["Secret"].get("data", {})),
    }
    spec = objects["Deployment"]["spec"]["template"]["spec"]
    for container in [*spec.get("initContainers", []), *spec["containers"]]:
        names[f"container {container['name']}"] = {e["name"] for e in container.get("env", [])}
    return names


def test_the_aliases_are_derived_from_the_settings() -> None:
    assert {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL"} <= ALIASES
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET"} <= SECRET_ALIASES


def test_compose_sets_only_settings_the_app_reads() -> None:
    services = compose()["services"]
    for name, service in services.items():
        env = set(compose_environment(service))
        if name == "db":
            assert all(v.startswith("POSTGRES_") for v in env), sorted(env)
        else:
            assert env <= ALIASES, f"{name} sets {sorted(env - ALIASES)}, which the app ignores"


def test_k8s_sets_only_settings_the_app_reads() -> None:
    found = k8s_env_names()
    assert found["ConfigMap data"] and found["Secret"]
    for where, names in found.items():
        assert names <= ALIASES, f"{where} sets {sorted(names - ALIASES)}, which the app ignores"


def test_env_example_names_only_settings_the_app_reads() -> None:
    names = {name for name, *_ in env_example()}
    assert names <= ALIASES, f"{sorted(names - ALIASES)} are not settings"


def test_systemd_sets_only_settings_and_matplotlibs_cache() -> None:
    names = {v.partition("=")[0] for v in unit_values("Service", "Environment")}
    assert names - {"MPLCONFIGDIR"} <= ALIASES


# --- .env.example ---------------------------------------------------------------------------


def test_env_example_documents_every_setting_once() -> None:
    names = [name for name, *_ in env_example()]
    assert sorted(names) == sorted(ALIASES), "each setting exactly once"


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_env_example_says_what_each_setting_does_its_default_and_an_example(
    alias: str,
) -> None:
    entry = next(e for e in env_example() if e[0] == alias)
    comment = " ".join(entry[3])
    assert "Default:" in comment and "Example:" in comment, alias
    assert len(comment.split("Default:")[0].split()) >= 4, f"{alias}: say what it does"
    default = FIELDS_BY_ALIAS[alias].default
    said = comment.split("Default:")[1].split("Example:")[0]
    if isinstance(default, bool) or default is None:
        return
    if isinstance(default, int | float):
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", said)]
        assert float(default) in numbers, f"{alias}: the default is {default}, not {said!r}"
    else:
        assert str(default) in said, f"{alias}: the default is {default!r}, not {said!r}"


@pytest.mark.usefixtures("clean_environment")
def test_env_example_leaves_the_secrets_empty_and_its_values_are_valid() -> None:
    for name, value, commented, _ in env_example():
        if name in SECRET_ALIASES:
            assert value == "", f"{name} must be left empty"
            continue
        assert commented or value, f"{name}= empty is an error for a number; comment it out"
        assert refused({name: value}) is None, f".env.example: {name}={value} is refused"


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_starts_from_slim_python_3_11() -> None:
    froms = [rest for kw, rest in dockerfile_instructions() if kw == "FROM"]
    assert froms and froms[-1].split()[0].startswith("python:3.11-slim")


def test_dockerfile_installs_the_package_without_a_cache() -> None:
    runs = " ".join(rest for kw, rest in dockerfile_instructions() if kw == "RUN")
    assert re.search(r"pip install --no-cache-dir \.(\s|$)", runs)


def dockerfile_user() -> str:
    user = last("USER")
    assert user, "the Dockerfile sets no USER: the bot would run as root"
    return user.split(":")[0]


def test_dockerfile_runs_as_a_non_root_user() -> None:
    assert dockerfile_user() not in ("root", "0")


def test_the_rapport_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["rapport"] == "bot.cli:main"


def test_dockerfile_commands_are_real_rapport_commands() -> None:
    argvs = [image_entrypoint(), image_cmd()]
    copies = copied_files()
    scripts = [copies[a[0]][0] for a in argvs if a and a[0] in copies]
    commands = [c for argv in argvs for c in rapport_commands(argv)]
    for script in scripts:
        commands += shell_rapport_commands(script.read_text(encoding="utf-8"))
    assert commands, "the Dockerfile runs no `rapport` command"
    subcommands = {parses(argv).command for argv in commands}
    assert {"migrate", "serve"} <= subcommands


def test_the_entrypoint_script_is_copied_and_executable() -> None:
    entrypoint = image_entrypoint()
    copies = copied_files()
    if not entrypoint or entrypoint[0] not in copies:
        pytest.skip("no entrypoint script")
    source, flags = copies[entrypoint[0]]
    assert source.is_file(), f"{source} is COPY'd but missing"
    mode = next((f.split("=", 1)[1] for f in flags if f.startswith("--chmod=")), None)
    runs = " ".join(rest for kw, rest in dockerfile_instructions() if kw == "RUN")
    assert (mode is not None and int(mode, 8) & stat.S_IXOTH) or (
        "chmod" in runs and entrypoint[0] in runs
    ), "the entrypoint script is not made executable in the image"


def test_dockerignore_keeps_env_files_out_and_lets_the_copied_files_in() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [p.strip() for p in lines if p.strip() and not p.strip().startswith("#")]
    assert "**/.env" in patterns or ".env" in patterns
    if patterns[0] == "*":  # an allow-list: every COPY source must be let back in
        allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
        for keyword, rest in dockerfile_instructions():
            if keyword == "COPY" and "--from" not in rest:
                *sources, _ = [w for w in shlex.split(rest) if not w.startswith("--")]
                for source in sources:
                    assert source.rstrip("/") in allowed, f"{source} is ignored by .dockerignore"


def test_the_image_migrates_then_serves_a_webhook_by_default(
    fake_rapport: tuple[dict[str, str], Path],
) -> None:
    status, calls = run_recorded([*image_entrypoint(), *image_cmd()], fake_rapport)
    assert status == 0
    assert [parses(c).command for c in calls] == ["migrate", "serve"]
    assert parses(calls[1]).webhook, "webhook mode is the image's default"


def test_the_image_does_not_serve_when_migrating_fails(
    fake_rapport: tuple[dict[str, str], Path],
) -> None:
    status, calls = run_recorded(
        [*image_entrypoint(), *image_cmd()], fake_rapport, FAKE_RAPPORT_FAIL_migrate="1"
    )
    assert status != 0
    assert [c[0] for c in calls] == ["migrate"]


def test_the_image_runs_polling_when_told(
    fake_rapport: tuple[dict[str, str], Path],
) -> None:
    status, calls = run_recorded([*image_entrypoint(), "rapport", "serve"], fake_rapport)
    assert status == 0
    assert calls == [["migrate"], ["serve"]]
    assert not parses(calls[1]).webhook


def dockerfile_healthcheck() -> list[str]:
    healthcheck = last("HEALTHCHECK")
    assert healthcheck, "the Dockerfile has no HEALTHCHECK"
    match = re.fullmatch(r"(?:--\S+\s+)*CMD\s+(.+)", healthcheck, re.DOTALL)
    assert match, f"HEALTHCHECK without a command: {healthcheck!r}"
    return exec_form(match[1].strip())


def test_the_image_healthcheck_needs_no_curl() -> None:
    argv = dockerfile_healthcheck()
    assert PurePosixPath(argv[0]).name not in ("curl", "wget")
    assert "/healthz" in " ".join(argv)


@pytest.mark.parametrize("port_variable", ["PORT", "STATUS_PORT"])
def test_the_image_healthcheck_passes_when_healthz_answers(port_variable: str) -> None:
    with status_server(200) as port:
        env = {"PORT": str(free_port()), port_variable: str(port)}
        assert run_healthcheck(dockerfile_healthcheck(), env) == 0


def test_the_image_healthcheck_fails_when_healthz_fails_or_nothing_listens() -> None:
    with status_server(503) as port:
        assert run_healthcheck(dockerfile_healthcheck(), {"PORT": str(port)}) != 0
    assert run_healthcheck(dockerfile_healthcheck(), {"PORT": str(free_port())}) != 0


# --- compose ------------------------------------------------------------------------------


def test_compose_starts_the_bot_once_the_database_is_healthy() -> None:
    services = compose()["services"]
    assert services["bot"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["db"]["image"].startswith("postgres:16")


def test_compose_keeps_the_database_on_a_named_volume() -> None:
    document = compose()
    volumes = document["services"]["db"]["volumes"]
    named = {str(v).split(":")[0] for v in volumes} & set(document.get("volumes") or {})
    assert named, "db has no named volume"
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in volumes)


def test_compose_builds_the_bot_from_the_dockerfile() -> None:
    bot = compose()["services"]["bot"]
    build = bot["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    assert bot["env_file"] in (".env", [".env"])


def test_compose_points_the_bot_at_the_db_service() -> None:
    env = compose_environment(compose()["services"]["bot"])
    assert re.match(r"postgresql\+psycopg://[^@]+@db(:5432)?/", env["DATABASE_URL"])


def compose_argv(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else shlex.split(value)


def compose_bot_argv() -> list[str]:
    """What compose runs: its entrypoint (which drops the image's CMD) or the image's,
    then its command or the image's CMD."""
    bot = compose()["services"]["bot"]
    if "entrypoint" in bot:
        return [*compose_argv(bot["entrypoint"]), *compose_argv(bot.get("command", []))]
    command = compose_argv(bot["command"]) if "command" in bot else image_cmd()
    return [*image_entrypoint(), *command]


def test_compose_migrates_then_polls_with_status_endpoints(
    fake_rapport: tuple[dict[str, str], Path],
) -> None:
    env = compose_environment(compose()["services"]["bot"])
    status, calls = run_recorded(compose_bot_argv(), fake_rapport, **env)
    assert status == 0
    assert [parses(c).command for c in calls] == ["migrate", "serve"]
    assert not parses(calls[1]).webhook, "compose runs in polling mode"
    assert env.get("STATUS_PORT"), "polling needs STATUS_PORT for the health check"


def test_compose_bot_healthcheck_probes_healthz_on_the_status_port() -> None:
    bot = compose()["services"]["bot"]
    test = bot["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    argv = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
    env = compose_environment(bot)
    with status_server(200) as port:
        assert run_healthcheck(argv, {**env, "STATUS_PORT": str(port)}) == 0
    with status_server(503) as port:
        assert run_healthcheck(argv, {**env, "STATUS_PORT": str(port)}) != 0


# --- systemd ------------------------------------------------------------------------------


def test_the_unit_serves_after_migrating() -> None:
    starts = unit_values("Service", "ExecStart")
    assert len(starts) == 1
    argv = systemd_argv(starts[0])
    assert is_rapport(argv[0])
    serve = parses(argv[1:])
    assert serve.command == "serve" and not serve.webhook, "the unit runs in polling mode"
    pre = [systemd_argv(v) for v in unit_values("Service", "ExecStartPre")]
    assert any(is_rapport(a[0]) and parses(a[1:]).command == "migrate" for a in pre)


def test_the_unit_runs_as_a_dedicated_user_and_restarts_on_failure() -> None:
    assert unit_values("Service", "User") not in ([], ["root"], ["0"])
    assert unit_values("Service", "Restart") == ["on-failure"]
    assert unit_values("Service", "EnvironmentFile") == ["/etc/rapport/rapport.env"]
    assert unit_values("Install", "WantedBy")


def test_the_unit_is_hardened_and_keeps_sqlite_in_its_state_directory() -> None:
    assert unit_values("Service", "NoNewPrivileges") == ["yes"]
    assert unit_values("Service", "ProtectSystem") == ["strict"]
    state = unit_values("Service", "StateDirectory")
    assert state, "ProtectSystem=strict needs a StateDirectory for the database"
    urls = [
        v.partition("=")[2]
        for v in unit_values("Service", "Environment")
        if v.startswith("DATABASE_URL=")
    ]
    assert urls and urls[0].startswith(f"sqlite:////var/lib/{state[0]}/")


# --- Kubernetes ---------------------------------------------------------------------------


def pod_spec() -> dict[str, Any]:
    spec: dict[str, Any] = k8s_objects()["Deployment"]["spec"]["template"]["spec"]
    return spec


def bot_container() -> dict[str, Any]:
    containers = pod_spec()["containers"]
    assert len(containers) == 1
    container: dict[str, Any] = containers[0]
    return container


def k8s_argv(container: dict[str, Any]) -> list[str]:
    """What a container runs: command replaces the image's ENTRYPOINT, args its CMD."""
    if "command" in container:
        return [*container["command"], *container.get("args", [])]
    return [*image_entrypoint(), *container.get("args", image_cmd())]


def test_the_deployment_runs_several_webhook_replicas() -> None:
    deployment = k8s_objects()["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    commands = rapport_commands(k8s_argv(bot_container()))
    assert len(commands) == 1
    serve = parses(commands[0])
    assert serve.command == "serve" and serve.webhook


def test_the_deployment_migrates_in_an_init_container_of_the_same_image() -> None:
    inits = pod_spec()["initContainers"]
    migrations = [
        c
        for c in inits
        if [parses(a).command for a in rapport_commands(k8s_argv(c))] == ["migrate"]
    ]
    assert migrations, "no initContainer runs `rapport migrate`"
    assert migrations[0]["image"] == bot_container()["image"]
    env = {e["name"] for e in migrations[0].get("env", [])}
    from_refs = migrations[0].get("envFrom", [])
    assert "DATABASE_URL" in env or from_refs, "the migration needs DATABASE_URL"


def container_port(container: dict[str, Any], port: int | str) -> int:
    for entry in container["ports"]:
        if port in (entry["containerPort"], entry.get("name")):
            return int(entry["containerPort"])
    pytest.fail(f"port {port!r} is not one of the container's ports")


def test_the_probes_hit_readyz_and_healthz_on_the_webhook_port() -> None:
    container = bot_container()
    config = k8s_objects()["ConfigMap"]["data"]
    listening = int(config.get("PORT", FIELDS_BY_ALIAS["PORT"].default))
    readiness = container["readinessProbe"]["httpGet"]
    liveness = container["livenessProbe"]["httpGet"]
    assert readiness["path"] == "/readyz"
    assert liveness["path"] == "/healthz"
    assert container_port(container, readiness["port"]) == listening
    assert container_port(container, liveness["port"]) == listening


def test_the_pods_run_as_non_root_with_resources() -> None:
    spec = pod_spec()
    for container in [*spec.get("initContainers", []), *spec["containers"]]:
        context = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
        assert context.get("runAsNonRoot") is True, container["name"]
        assert context.get("runAsUser", 1) != 0
        assert container["resources"]["requests"] and container["resources"]["limits"]
    user = dockerfile_user()
    if user.isdigit():
        assert spec["securityContext"].get("runAsUser", int(user)) == int(user)


def test_the_replica_count_and_send_rate_budget_agree() -> None:
    objects = k8s_objects()
    config = objects["ConfigMap"]["data"]
    assert int(config["RAPPORT_REPLICAS"]) == objects["Deployment"]["spec"]["replicas"]
    surge = objects["Deployment"]["spec"].get("strategy", {}).get("rollingUpdate", {})
    assert str(surge.get("maxSurge", "25%")) in ("0", "0%"), "a surge pod overspends the rate"


@pytest.mark.usefixtures("clean_environment")
def test_the_configmap_holds_valid_non_secret_settings() -> None:
    config = k8s_objects()["ConfigMap"]["data"]
    assert not set(config) & SECRET_ALIASES, "secrets belong in the Secret"
    assert "DATABASE_URL" not in config, "DATABASE_URL holds a password: use the Secret"
    assert config["WEBHOOK_URL"].startswith("https://")
    assert refused(config) is None, "configmap.yaml holds a value the settings refuse"


def test_the_secret_example_holds_placeholders_only() -> None:
    secret = k8s_objects()["Secret"]
    values = secret.get("stringData", {})
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "DATABASE_URL"} <= set(values)
    assert "data" not in secret
    assert not TOKEN_SHAPE.match(values["TELEGRAM_BOT_TOKEN"]), "not a real token, please"
    assert "<" in values["WEBHOOK_SECRET"], "a placeholder Telegram would refuse"


def test_env_from_names_the_configmap_and_secret() -> None:
    objects = k8s_objects()
    names = {objects[k]["metadata"]["name"] for k in ("ConfigMap", "Secret")}
    spec = pod_spec()
    refs: set[str] = set()
    for container in [*spec.get("initContainers", []), *spec["containers"]]:
        for source in container.get("envFrom", []):
            refs |= {ref["name"] for ref in source.values() if isinstance(ref, dict)}
        for entry in container.get("env", []):
            for ref in entry.get("valueFrom", {}).values():
                if "name" in ref:
                    refs.add(ref["name"])
    assert refs == names


def test_the_service_reaches_the_pods() -> None:
    objects = k8s_objects()
    labels = objects["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = objects["Service"]["spec"]
    assert service["selector"].items() <= labels.items()
    assert objects["Deployment"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    for port in service["ports"]:
        container_port(bot_container(), port["targetPort"])
