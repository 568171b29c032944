"""What a public page says when its address is shared: the Open Graph and Twitter card tags
that the base template writes from the view's ``share`` (a :class:`ShareCard`), and the
images drawn on the server for the dashboard, each member state and each commitment.

An image is a public page like any other (``celac_ppt.http``): its tag names the data
versions, the day, the release, the language and the address, so it is kept until the
figures change and a client holding it gets a 304. It shows the figures of its page, in
the page's language, drawn with the DejaVu Sans shipped under static/fonts/.
"""

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageDraw, ImageFont

from areas.plan_text import versions as plan_versions
from commitments.services.current import current
from commitments.services.links import absolute

from .formatting import date_text, pct, truncatewords, url

WIDTH, HEIGHT = 1200, 630
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
# The site's colours (static/css/site.css).
INK, MUTED, BRAND, LINE, PAPER = "#1b1f24", "#4a5561", "#0b4f6c", "#e3e8ec", "#ffffff"
OK_COLOUR = "#1e6b34"
MARGIN = 72


@dataclass(frozen=True, slots=True)
class ShareCard:
    """A page's card: its summary (also its meta description), its image's absolute
    address and the image's text alternative. ``title`` replaces the page's title when the
    page's own is too short to stand alone (the dashboard's "Dashboard")."""

    description: str
    image: str
    image_alt: str
    title: str | None = None
    width: int = WIDTH
    height: int = HEIGHT


def figure_words(fig, scope="region"):
    """A figure's coverage in words, as the ``figure`` macro writes it
    (jinja2/includes/figures.html), with the same translations."""
    if not fig.has_data:
        if scope == "state":
            return gettext("not reported")
        return ngettext(
            "no reports yet (0 of %(total)s state)",
            "no reports yet (0 of %(total)s states)",
            fig.states_total,
        ) % {"total": fig.states_total}
    parts = {"reported": fig.parts_reported, "total": fig.parts_total}
    if scope == "state":
        if fig.parts_total is None:
            return gettext("reported")
        if fig.parts_top_level:
            text = ngettext(
                "%(reported)s of %(total)s top-level commitment reported",
                "%(reported)s of %(total)s top-level commitments reported",
                fig.parts_total,
            )
        else:
            text = ngettext(
                "%(reported)s of %(total)s sub-commitment reported",
                "%(reported)s of %(total)s sub-commitments reported",
                fig.parts_total,
            )
        return text % parts
    words = ngettext(
        "%(reported)s of %(total)s state reported",
        "%(reported)s of %(total)s states reported",
        fig.states_total,
    ) % {"reported": fig.states_reported, "total": fig.states_total}
    if fig.parts_total is None:
        return words
    if fig.parts_top_level:
        text = ngettext(
            "%(reported)s of %(total)s top-level commitment with reports",
            "%(reported)s of %(total)s top-level commitments with reports",
            fig.parts_total,
        )
    else:
        text = ngettext(
            "%(reported)s of %(total)s sub-commitment with reports",
            "%(reported)s of %(total)s sub-commitments with reports",
            fig.parts_total,
        )
    return f"{words} · {text % parts}"


def value_words(fig, dist):
    """The figure's value as the page's headline writes it: "preliminary" beside it while
    too little of what it stands for was reported (``Distribution.preliminary``)."""
    value = pct(fig.percent)
    if dist is not None and dist.preliminary and fig.has_data:
        value += " " + gettext("preliminary")
    return value


def _figure_text(fig, dist, scope="region"):
    return f"{value_words(fig, dist)} — {figure_words(fig, scope)}"


def plan_card():
    """The whole plan's card: the dashboard's, and that of every page without its own."""
    _plan, rollup = current()
    figure = _figure_text(rollup.region(), rollup.distribution())
    return ShareCard(
        description=gettext("Progress of the CELAC PPT 2020 work plan: %(figure)s.")
        % {"figure": figure},
        image=absolute(url("public:share-dashboard")),
        image_alt=gettext("Progress of the whole plan") + f": {figure}",
        title=gettext("CELAC PPT 2020 work plan: progress"),
    )


def state_card(state, rollup):
    """A member state's card, the state named in the reader's language."""
    figure = _figure_text(
        rollup.state_overall(state.id), rollup.distribution(state_ids=[state.id]), "state"
    )
    return ShareCard(
        description=gettext("%(state)s in the CELAC PPT 2020 work plan: %(figure)s.")
        % {"state": state.local_name, "figure": figure},
        image=absolute(url("public:share-state", state.iso_code)),
        image_alt=f"{state.local_name}: {figure}",
    )


def plan_words(obj, field, words=0):
    """A plan text as a card's plain text says it: the reader's version, marked when it is
    an unofficial translation (the page itself shows the Spanish original beside it)."""
    _lang, text, spanish = plan_versions(obj, field)
    if words:
        text = truncatewords(text, words)
    if spanish is None:
        return text
    return f"{text} ({gettext('unofficial translation')})"


def commitment_card(commitment, rollup):
    figure = _figure_text(rollup.commitment(commitment.id), rollup.distribution([commitment.id]))
    name = gettext("Commitment %(reference)s") % {"reference": commitment.reference}
    return ShareCard(
        description=f"{name}: {figure}. «{plan_words(commitment, 'text', 24)}»",
        image=absolute(url("public:share-commitment", commitment.reference)),
        image_alt=f"{name}: {figure}",
    )


# --- the images ----------------------------------------------------------------------------


@functools.cache
def _font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _lines(draw, text, font, width, most):
    """``text`` wrapped to ``width`` pixels in at most ``most`` lines, the last one ending
    with "…" when the text is longer."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == most:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[most - 1]
    while last and draw.textlength(last + " …", font=font) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[: most - 1], last + " …"]


def draw_card(kind, title, fig, dist, scope="region"):
    """The 1200 × 630 PNG of a figure: what it is of (``kind``, ``title``), its value (and
    "preliminary" while too little was reported), its bar and its coverage, and the day it
    was drawn."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    # The site's header: the CELAC mark and the platform's name.
    draw.rectangle((0, 0, WIDTH, 104), fill=BRAND)
    mark = _font(30, bold=True)
    mark_width = draw.textlength("CELAC", font=mark)
    draw.rounded_rectangle(
        (MARGIN, 28, MARGIN + mark_width + 32, 78), radius=6, outline=PAPER, width=3
    )
    draw.text((MARGIN + 16, 53), "CELAC", font=mark, fill=PAPER, anchor="lm")
    draw.text(
        (MARGIN + mark_width + 60, 53),
        gettext("PPT 2020 work plan"),
        font=_font(32, bold=True),
        fill=PAPER,
        anchor="lm",
    )
    draw.text((MARGIN, 140), kind, font=_font(30), fill=MUTED, anchor="ls")
    title_font = _font(48, bold=True)
    y = 206
    for line in _lines(draw, title, title_font, text_width, 3):
        draw.text((MARGIN, y), line, font=title_font, fill=INK, anchor="ls")
        y += 60
    # The figure, and its coverage beside it.
    value_font = _font(112, bold=True)
    value = pct(fig.percent)
    draw.text((MARGIN, 470), value, font=value_font, fill=BRAND, anchor="ls")
    words_x = MARGIN + draw.textlength(value, font=value_font) + 40
    words_font = _font(30)
    coverage = figure_words(fig, scope)
    if dist.preliminary and fig.has_data:
        coverage = f"{gettext('preliminary')} · {coverage}"
    words = _lines(draw, coverage, words_font, WIDTH - MARGIN - words_x, 3)
    words_y = 470 - 40 * (len(words) - 1)
    for line in words:
        draw.text((words_x, words_y), line, font=words_font, fill=MUTED, anchor="ls")
        words_y += 40
    draw.rectangle((MARGIN, 500, WIDTH - MARGIN, 524), fill=LINE)
    if fig.has_data and fig.percent:
        done = MARGIN + round(text_width * min(fig.percent, 100) / 100)
        draw.rectangle((MARGIN, 500, done, 524), fill=OK_COLOUR if fig.percent >= 100 else BRAND)
    _plan, rollup = current()
    footer = gettext("Figures as of %(date)s, from published reports only.") % {
        "date": date_text(rollup.today)
    }
    draw.text((MARGIN, 580), footer, font=_font(26), fill=MUTED, anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _png(body):
    return HttpResponse(body, content_type="image/png")


def dashboard_image(request):
    _plan, rollup = current()
    return _png(
        draw_card(
            gettext("Progress of the whole plan"),
            gettext("CELAC PPT 2020 work plan: progress"),
            rollup.region(),
            rollup.distribution(),
        )
    )


def state_image(request, iso_code):
    plan, rollup = current()
    state = next((s for s in plan.states if s.iso_code == iso_code), None)
    if state is None:
        raise Http404
    return _png(
        draw_card(
            gettext("Member state"),
            state.local_name,
            rollup.state_overall(state.id),
            rollup.distribution(state_ids=[state.id]),
            "state",
        )
    )


def commitment_image(request, reference):
    plan, rollup = current()
    commitment = next((c for c in plan.commitments if c.reference == reference), None)
    if commitment is None:
        raise Http404
    kind = gettext("Commitment %(reference)s") % {"reference": commitment.reference}
    _lang, text, spanish = plan_versions(commitment, "text")
    if spanish is not None:
        kind += f" · {gettext('unofficial translation')}"
    return _png(
        draw_card(
            kind, text, rollup.commitment(commitment.id), rollup.distribution([commitment.id])
        )
    )
