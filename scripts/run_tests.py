"""`make test`: the whole suite on SQLite, then again on PostgreSQL when one is reachable.

ATENSI_REQUIRE_POSTGRES=1 makes an unreachable PostgreSQL a failure instead of a skip (CI).
ATENSI_TEST_DATABASE_URL chooses the server (default postgres://postgres@127.0.0.1:5432/test).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _postgres_reason(url: str) -> str | None:
    """Returns why PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg
    except ImportError as exc:
        return f"psycopg is not installed ({exc})"
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return None
    except Exception as exc:  # any connection failure means: cannot run here
        return f"cannot connect to {url}: {str(exc).strip().splitlines()[0]}"


def _pytest(label: str, extra_env: dict[str, str], args: list[str]) -> int:
    env = {**os.environ, **extra_env}
    print(f"\n=== atensi test suite on {label} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env)


def main() -> int:
    args = sys.argv[1:]
    data_dir = ROOT / "var" / "test"
    data_dir.mkdir(parents=True, exist_ok=True)
    base = {"ATENSI_DATA_DIR": str(data_dir)}
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    os.environ.clear()
    os.environ.update(base_env)

    status = _pytest("SQLite", base, args)

    url = os.environ.get("ATENSI_TEST_DATABASE_URL", DEFAULT_PG)
    reason = _postgres_reason(url)
    if reason is None:
        status = _pytest("PostgreSQL", {**base, "DATABASE_URL": url}, args) or status
    elif _required("ATENSI_REQUIRE_POSTGRES"):
        print(
            f"\nFAILED: PostgreSQL is required (ATENSI_REQUIRE_POSTGRES=1) but {reason}", flush=True
        )
        status = status or 1
    else:
        print(
            f"\nSKIPPED the PostgreSQL pass: {reason}. Set ATENSI_TEST_DATABASE_URL to run it.",
            flush=True,
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
