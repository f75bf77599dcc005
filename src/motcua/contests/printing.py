"""The certificate of a prize (giấy chứng nhận đạt giải), printed as an official document.

Layout of NĐ 30/2020/NĐ-CP as the dossier forms print it
(:mod:`motcua.dossiers.printing.layout`): the organising unit and the
contest's organising committee on the left, the national motto on the
right, the number and the place and date; then the title (with the QR code of the
published results, to check the prize), the team, its
unit and members, the prize, and the committee head's signature block.
The shipped Liberation Serif with text shaping; every string is NFC.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.contests.models import Result
from motcua.contests.scoring import points_text
from motcua.core.text import nfc
from motcua.dossiers.printing.layout import BODY, FormPDF, Header, Signature
from motcua.dossiers.printing.words import place_and_date
from motcua.org.selectors import unit_place_name


def certificate_filename(result: Result) -> str:
    return f"giay-chung-nhan-{result.round_id}-{result.team_id}.pdf"


def certificate_pdf_bytes(result: Result) -> bytes:
    """Return the PDF certificate of ``result`` (an awarded result of a published round)."""
    round_ = result.round
    contest = round_.contest
    organiser = contest.organiser
    team = result.team
    prize = result.prize
    when = timezone.localtime(round_.published_at) if round_.published_at else timezone.now()
    pdf = FormPDF(landscape=True)
    pdf.set_title(nfc(f"Giấy chứng nhận — {team.name}"))
    pdf.header_block(
        Header(
            agency="Ban Tổ chức Hội thi",
            parent=organiser.name,
            number=result.certificate_number,
            place_date=place_and_date(unit_place_name(organiser), when.date()),
            keep=(organiser.name,),
        )
    )
    pdf.ln(2)
    # The QR code opens the published results, where anyone can check the prize.
    results_url = settings.MOTCUA_PUBLIC_URL.rstrip("/") + reverse(
        "contests:public_results", args=[round_.pk]
    )
    pdf.heading("Giấy chứng nhận", nfc(contest.name), qr=(results_url, result.certificate_number))
    pdf._below_float()  # the text below is centred on the page, not beside the QR code
    pdf.para("BAN TỔ CHỨC HỘI THI CHỨNG NHẬN", style="B", align="C")
    pdf.ln(2)
    pdf.para(team.name, style="B", size=BODY + 8, align="C", h=9)
    pdf.para(team.unit.name, style="I", size=BODY + 1, align="C")
    members = [m.full_name for m in team.members.all()]
    if members:
        pdf.para("Thành viên: " + ", ".join(members), align="C")
    pdf.ln(2)
    pdf.para(
        f"Đã đạt {prize.name if prize else ''} — {round_.name}",
        style="B",
        size=BODY + 4,
        align="C",
        h=7,
    )
    pdf.para(
        f"Xếp hạng {result.rank}, tổng điểm {points_text(result.score).replace('.', ',')}",
        align="C",
    )
    pdf.closing(None, Signature(title="TM. BAN TỔ CHỨC\nTRƯỞNG BAN", hint=""), room=30)
    return bytes(pdf.output())
