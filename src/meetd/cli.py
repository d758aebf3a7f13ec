"""The `meetd` command: serve the API; manage API tokens, participant tokens and signing keys;
export and import state files. Calls services, never HTTP."""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from meetd import __version__
from meetd.accounts import service as accounts
from meetd.config import DEFAULT_DATABASE_URL, ConfigError, Settings
from meetd.db.engine import lock_deployment
from meetd.deployment import Deployment, open_deployment
from meetd.errors import ApiError
from meetd.participants import tokens
from meetd.state import service as state

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMAT = "%(levelname)s:     %(name)s %(message)s"
DATABASE_HELP = f"database URL (env MEETD_DATABASE_URL; default {DEFAULT_DATABASE_URL})"


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Deployment]:
    overrides = {"database_url": args.database_url, "rate_limit": getattr(args, "rate_limit", None)}
    deployment = open_deployment(Settings.from_env(**overrides))
    try:
        yield deployment
    finally:
        deployment.database.dispose()


def serve(args: argparse.Namespace) -> int:
    with _metrics_directory():
        return _serve(args)


@contextmanager
def _metrics_directory() -> Iterator[None]:
    """Every process of this server counts its metrics in files of one directory, and a
    scrape adds them up (meetd.metrics): set before the web stack, and so prometheus-client,
    is imported. An operator's PROMETHEUS_MULTIPROC_DIR is used as it is."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    directory = tempfile.mkdtemp(prefix="meetd-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    try:
        yield
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _serve(args: argparse.Namespace) -> int:
    # The web stack is imported by the one command that serves: the others start in a
    # fraction of the time.
    import uvicorn

    from meetd.app import SDK_PREFIX, create_app
    from meetd.web.protocol import HttpProtocol

    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
    # Download URLs point at the address served, unless the operator says otherwise.
    os.environ.setdefault("MEETD_PUBLIC_URL", f"http://{host}:{args.port}")
    base_url = f"http://{host}:{args.port}{SDK_PREFIX}"
    with _opened(args) as deployment:
        if args.seed:
            first = _seed(deployment, args.seed)
            made = "the file has no API token; created an admin API token for account {}."
        else:
            with deployment.database.transaction() as connection:
                first = accounts.create_first_account(connection)
            made = "new database; created account {} and an admin API token."
    if first is not None:
        print(
            f"meetd: {made.format(first.account_id)}\n"
            "The token is shown this once. Paste this line into the shell of your code:\n\n"
            f"export CLOUDFLARE_BASE_URL={base_url} CLOUDFLARE_API_TOKEN={first.token} "
            f"CLOUDFLARE_ACCOUNT_ID={first.account_id}\n",
            flush=True,
        )
    else:
        print(
            f"meetd: serving {base_url} (more tokens: meetd token create --account-id ID)",
            flush=True,
        )
    if deployment.settings.rate_limit is not None:
        print(f"meetd: rate limit: {deployment.settings.rate_limit} per API token", flush=True)
    options = {
        "host": args.host,
        "port": args.port,
        "log_config": _log_config(args.log_level),
        "log_level": args.log_level,
        "access_log": args.access_log,
        "http": HttpProtocol,
        # The standard library's event loop: as fast as uvloop here, and fair to new
        # connections, which uvloop left waiting for up to 2 s under load (docs/design.md).
        "loop": "asyncio",
        "server_header": False,
    }
    if args.workers == 1:
        uvicorn.run(create_app(deployment.settings), **options)
    else:
        # Each worker process builds its own app and reads its settings from the environment.
        os.environ["MEETD_DATABASE_URL"] = deployment.settings.database_url
        if args.rate_limit is not None:
            os.environ["MEETD_RATE_LIMIT"] = args.rate_limit
        uvicorn.run(
            "meetd.app:create_app",
            factory=True,
            workers=args.workers,
            **options,
        )
    return 0


def _seed(deployment: Deployment, path: str) -> accounts.FirstAccount | None:
    """Loads a state file into the new database; when it brings no API token, one for its
    first account (returned, to be shown)."""
    document = _state_file(path)
    with deployment.database.transaction() as connection:
        counts = state.import_state(
            connection, document, fingerprint=deployment.storage_box.fingerprint, into_empty=True
        )
        first = None
        if counts["accounts"] and not counts["api_tokens"]:
            account_id = document["accounts"][0]["id"]
            first = accounts.FirstAccount(
                account_id, accounts.create_token(connection, account_id=account_id)
            )
    print(f"meetd: seeded from {path}: {_counted(counts)}", flush=True)
    return first


def _state_file(path: str) -> Any:
    try:
        with open(path, "rb") if path != "-" else sys.stdin.buffer as file:
            return json.load(file)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise ConfigError(f"{path} is not a meetd state file: it is not JSON ({error})") from None


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())


def export_state(args: argparse.Namespace) -> int:
    app_id = None
    if args.app is not None:
        try:
            app_id = uuid.UUID(args.app)
        except ValueError:
            raise ConfigError(f"--app: must be an app id (a UUID), not {args.app!r}") from None
    with _opened(args) as deployment, deployment.database.reading() as connection:
        document = state.export_state(
            connection, app_id=app_id, fingerprint=deployment.storage_box.fingerprint
        )
    json.dump(document, sys.stdout, indent=1)
    print()
    return 0


def import_state(args: argparse.Namespace) -> int:
    document = _state_file(args.file)
    try:
        with _opened(args) as deployment, deployment.database.transaction() as connection:
            counts = state.import_state(
                connection, document, fingerprint=deployment.storage_box.fingerprint
            )
    except ApiError as refused:
        print(f"meetd: import refused, nothing written: {refused}", file=sys.stderr)
        return 2
    print(f"meetd: imported from {args.file}: {_counted(counts)}")
    return 0


class HideSignatures(logging.Filter):
    """A download URL is a credential until it expires (contract A7): the access log shows
    its path and expiry, never its signature."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 2 and "signature=" in str(args[2]):
            hidden = _SIGNATURE.sub(r"\1[hidden]", str(args[2]))
            record.args = (*args[:2], hidden, *args[3:])
        return True


_SIGNATURE = re.compile(r"(signature=)[^&\s]*")


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with meetd's own beside it and, at debug, SQL statements (never
    their parameters: the engine hides them). Every worker process applies it as it starts."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["meetd"] = {"format": LOG_FORMAT}
    config["handlers"]["meetd"] = {
        "formatter": "meetd",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["root"] = {"handlers": ["meetd"], "level": level.upper()}
    config["filters"] = {"hide_signatures": {"()": HideSignatures}}
    config["handlers"]["access"]["filters"] = ["hide_signatures"]
    if level == "debug":
        config["loggers"]["sqlalchemy.engine"] = {"level": "INFO"}
    # At debug these log each request to a bucket with its headers: an access key among them.
    for name in ("boto3", "botocore", "s3transfer", "urllib3"):
        config["loggers"][name] = {"level": "WARNING"}
    return config


def create_token(args: argparse.Namespace) -> int:
    with _opened(args) as deployment, deployment.database.transaction() as connection:
        token = accounts.create_token(connection, account_id=args.account_id, scope=args.scope)
    print(token)
    return 0


def verify_token(args: argparse.Namespace) -> int:
    with _opened(args) as deployment, deployment.database.reading() as connection:
        verdict = tokens.verify_token(connection, token=args.token, keys=deployment.signing_keys)
    if not verdict.valid:
        print(f"meetd: token refused ({verdict.reason}): {verdict.message}", file=sys.stderr)
        return 1
    print(json.dumps(verdict.claims, indent=2))
    return 0


def rotate_key(args: argparse.Namespace) -> int:
    with _opened(args) as deployment, deployment.database.transaction() as connection:
        lock_deployment(connection)
        keys = deployment.webhook_keys if args.webhooks else deployment.signing_keys
        kid = keys.create(connection)
    print(kid)
    return 0


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, at least 1: {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="meetd",
        description="A self-hosted control plane that speaks the RealtimeKit meetings API.",
    )
    parser.add_argument("--version", action="version", version=f"meetd {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve_parser = commands.add_parser(
        "serve",
        help="run the API server",
        description="Apply migrations, then serve the API. On a new database, create an "
        "account and an admin API token and print the line that points the SDKs at meetd.",
    )
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve_parser.add_argument("--port", type=int, default=8787, help="port to listen on")
    serve_parser.add_argument("--database-url", help=DATABASE_HELP)
    serve_parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes serving requests, all sharing the database (default: 1)",
    )
    serve_parser.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log one line per request (default: on)",
    )
    serve_parser.add_argument(
        "--rate-limit",
        metavar="REQUESTS/SECONDS",
        help="most requests one API token may make in a time, per process, such as 250/10 "
        "(env MEETD_RATE_LIMIT; default: off); more are answered 429 with Retry-After",
    )
    serve_parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="least important messages logged; debug adds SQL statements, never their "
        "parameters (default: info)",
    )
    serve_parser.add_argument(
        "--seed",
        metavar="STATE_FILE",
        help="load a state file (meetd export) into the database first; refused unless the "
        "database is new",
    )
    serve_parser.set_defaults(run=serve)

    export_parser = commands.add_parser(
        "export",
        help="write the state to stdout as a state file",
        description="Print the accounts, API tokens (as hashes), apps, presets, meetings, "
        "participants and webhooks as JSON, for meetd import or serve --seed. Sessions, "
        "recordings and events stay behind; storage credentials stay sealed.",
    )
    export_parser.add_argument("--app", metavar="APP_ID", help="only this app (and its account)")
    export_parser.add_argument("--database-url", help=DATABASE_HELP)
    export_parser.set_defaults(run=export_state)

    import_parser = commands.add_parser(
        "import",
        help="load a state file",
        description="Write the rows of a state file (meetd export) into the database, or none "
        "of them: a file of another format or a newer version, or with an id that exists here "
        "already (accounts excepted), is refused whole.",
    )
    import_parser.add_argument("file", help="the state file; - reads stdin")
    import_parser.add_argument("--database-url", help=DATABASE_HELP)
    import_parser.set_defaults(run=import_state)

    token_parser = commands.add_parser("token", help="manage API tokens")
    token_commands = token_parser.add_subparsers(required=True, metavar="COMMAND")
    create_parser = token_commands.add_parser(
        "create",
        help="create an API token",
        description="Create an API token for an account (created if new) and print only the "
        "token, for scripts to capture. Migrates a new database first.",
    )
    create_parser.add_argument("--account-id", required=True, help="the account it acts for")
    create_parser.add_argument(
        "--scope",
        choices=accounts.SCOPES,
        default="admin",
        help="admin: everything; read: GET requests only (default: admin)",
    )
    create_parser.add_argument("--database-url", help=DATABASE_HELP)
    create_parser.set_defaults(run=create_token)

    verify_parser = token_commands.add_parser(
        "verify",
        help="check a participant token",
        description="Check a participant token as a joining component would: signature, "
        "expiry, the participant, revocation, and that the meeting is ACTIVE. Prints the "
        "claims and exits 0 when it is valid; prints why and exits 1 when it is not.",
    )
    verify_parser.add_argument("token", help="the participant token (a JWT)")
    verify_parser.add_argument("--database-url", help=DATABASE_HELP)
    verify_parser.set_defaults(run=verify_token)

    keys_parser = commands.add_parser("keys", help="manage the keys that sign participant tokens")
    keys_commands = keys_parser.add_subparsers(required=True, metavar="COMMAND")
    rotate_parser = keys_commands.add_parser(
        "rotate",
        help="start signing with a new key",
        description="Create a new signing key and sign new participant tokens with it. Tokens "
        "signed with older keys stay valid until they expire. With --webhooks, a new key pair "
        "for webhook deliveries instead: every process signs with it within seconds, and "
        "/.well-known/webhooks.json publishes its public key. Prints the new key's id.",
    )
    rotate_parser.add_argument("--database-url", help=DATABASE_HELP)
    rotate_parser.add_argument(
        "--webhooks", action="store_true", help="rotate the key that signs webhook deliveries"
    )
    rotate_parser.set_defaults(run=rotate_key)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        status: int = args.run(args)
    except (ConfigError, ApiError) as exc:
        print(f"meetd: error: {exc}", file=sys.stderr)
        return 2
    return status
