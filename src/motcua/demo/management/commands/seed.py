"""``motcua seed demo`` (idempotent) and ``motcua seed synthetic --dossiers N`` (benchmarks)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.demo import load_demo_declaration_forms, load_demo_procedures
from motcua.demo.calendars import load_demo_calendars
from motcua.demo.dossiers import load_demo_dossiers
from motcua.demo.feedback import load_demo_feedback
from motcua.demo.reform import reform_loaders
from motcua.demo.staff import load_demo_staff, logins_file
from motcua.org.demo import load_demo_units


class Command(BaseCommand):
    help = "Load demo data (idempotent), or a synthetic province for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["demo", "synthetic"])
        parser.add_argument(
            "--dossiers",
            type=int,
            default=None,
            help="synthetic: number of dossiers the province should hold (topped up)",
        )
        parser.add_argument("--units", type=int, default=10, help="synthetic: wards (1–999)")
        parser.add_argument(
            "--procedures", type=int, default=10, help="synthetic: procedures (1–99999)"
        )
        parser.add_argument("--seed", type=int, default=1, help="synthetic: random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "synthetic":
            self._synthetic(options)
            return
        actor = "motcua seed demo"
        for year in load_demo_calendars(actor):
            self.stdout.write(
                f"  Lịch làm việc năm {year}: đề xuất tự động từ quy định và xác nhận cho bản "
                "demo; một triển khai thật phải đối chiếu thông báo của năm trước khi xác nhận."
            )
        units = load_demo_units(actor)
        procedures = load_demo_procedures(actor)
        load_demo_declaration_forms(actor)
        lines = load_demo_staff(actor=actor, units=units)
        dossiers, skipped = load_demo_dossiers(units=units)
        for reason in skipped:
            self.stdout.write(f"  (bỏ qua hồ sơ mẫu {reason})")
        feedback = load_demo_feedback(units=units)
        if feedback:
            self.stdout.write(
                f"Đánh giá mẫu: {feedback['ratings']} · Phản ánh, kiến nghị: {feedback['pakn']} · "
                f"Phiếu khảo sát: {feedback['survey_answers']}"
            )
        for loader in reform_loaders():
            for line in loader(actor=actor, units=units).get("lines", []):
                self.stdout.write(line)
        self.stdout.write(
            f"Đơn vị: {len(units)} · Thủ tục: {procedures} · Hồ sơ mẫu: {dossiers} · "
            f"Tài khoản mẫu ({logins_file()}):"
        )
        for line in lines:
            username, password, secret, description = line.split("\t")
            self.stdout.write(f"  {username:<20} {password:<14} {description}")
            if secret:
                self.stdout.write(f"  {'':<20} khóa xác thực hai bước (TOTP): {secret}")
        self.stdout.write(
            "Tài khoản có khóa TOTP đăng nhập bằng mật khẩu rồi mã 6 số: thêm khóa vào ứng "
            "dụng xác thực trên điện thoại, hoặc in mã hiện tại bằng `motcua demo_code TÊN`."
        )

    def _synthetic(self, options: dict[str, Any]) -> None:
        from motcua.demo.synthetic import synthetic_dossiers, synthetic_world

        count = options["dossiers"]
        if count is None or count < 0:
            raise CommandError("synthetic needs --dossiers N (N ≥ 0)")
        if not 1 <= options["units"] <= 999 or not 1 <= options["procedures"] <= 99_999:
            raise CommandError("--units must be 1–999 and --procedures 1–99999")
        began = time.perf_counter()
        world = synthetic_world(units=options["units"], procedures=options["procedures"])
        built = time.perf_counter()
        summary = synthetic_dossiers(world, count=count, seed=options["seed"])
        done = time.perf_counter()
        rate = summary.created / (done - built) if summary.created else 0.0
        self.stdout.write(
            f"synthetic province: {len(world.communes)} wards, {len(world.versions)} procedures "
            f"({built - began:.1f} s); dossiers: {summary.existing} existing, "
            f"{summary.created} created in {done - built:.1f} s ({rate:,.0f}/s)"
        )
        for status, number in sorted(summary.by_status.items()):
            self.stdout.write(f"  {status:<24} {number}")
