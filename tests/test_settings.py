"""Settings from the environment: production refuses to start without a secret, and passes
Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess

from .helpers import run_manage


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return run_manage(*args, env={**environment, **env})


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "-7Hq!p2Zr9vL0mN4bC6dE8fG1hJ3kS5tU",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_start_without_configuration() -> None:
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr
