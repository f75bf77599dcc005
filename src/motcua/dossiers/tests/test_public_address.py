"""The public address on receipts: checked before deployment, set by ``make demo``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase, override_settings

ROOT = Path(__file__).resolve().parents[4]
PUBLIC = "https://motcua.cantho.gov.vn"


def deploy_errors() -> list[str]:
    """Return the ids of the deployment checks' errors about the public address."""
    return [
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id in {"motcua.E003", "motcua.E004"}
    ]


class DeployCheckTests(SimpleTestCase):
    def test_the_development_default_fails_the_deploy_check(self):
        with override_settings(MOTCUA_PUBLIC_URL="http://127.0.0.1:8000"):
            self.assertEqual(deploy_errors(), ["motcua.E004"])
            with self.assertRaisesMessage(SystemCheckError, "MOTCUA_PUBLIC_URL"):
                call_command("check", "--deploy", "--fail-level", "ERROR")

    def test_any_address_of_the_machine_itself_fails(self):
        for value in (
            "http://localhost:8000",
            "http://127.0.1.1",
            "http://[::1]:8080/",
            "http://0.0.0.0",
        ):
            with self.subTest(value=value), override_settings(MOTCUA_PUBLIC_URL=value):
                self.assertEqual(deploy_errors(), ["motcua.E004"])

    def test_something_that_is_no_web_address_fails(self):
        for value in ("", "motcua.cantho.gov.vn", "ftp://motcua.cantho.gov.vn"):
            with self.subTest(value=value), override_settings(MOTCUA_PUBLIC_URL=value):
                self.assertEqual(deploy_errors(), ["motcua.E003"])

    def test_a_public_address_passes(self):
        with override_settings(MOTCUA_PUBLIC_URL=PUBLIC):
            self.assertEqual(deploy_errors(), [])

    def test_the_ordinary_checks_leave_development_alone(self):
        """Only ``check --deploy`` asks: development keeps its default."""
        with override_settings(MOTCUA_PUBLIC_URL="http://127.0.0.1:8000"):
            ids = [message.id for message in run_checks()]
        self.assertNotIn("motcua.E004", ids)


@unittest.skipUnless(shutil.which("make"), "needs make")
class MakeDemoTests(SimpleTestCase):
    def test_make_demo_serves_and_prints_its_own_address(self):
        """The demo's processes get MOTCUA_PUBLIC_URL=http://127.0.0.1:<PORT>.

        A stand-in ``motcua`` prints the variable and stops the recipe at
        its first command, so nothing is installed or served.
        """
        with tempfile.TemporaryDirectory() as bin_dir:
            fake = Path(bin_dir) / "motcua"
            fake.write_text('#!/bin/sh\necho "URL=$MOTCUA_PUBLIC_URL"\nexit 3\n')
            fake.chmod(0o755)
            env = {k: v for k, v in os.environ.items() if k != "MOTCUA_PUBLIC_URL"}
            result = subprocess.run(
                ["make", "-s", "demo", f"BIN={bin_dir}", "STAMP=", "PORT=8123"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        self.assertIn("URL=http://127.0.0.1:8123", result.stdout, result.stderr)
