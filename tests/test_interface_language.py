"""Every public page speaks the reader's language: no interface text of the Spanish,
Portuguese or French page is left as the English page writes it."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from areas.models import Agency, Official, ThematicAxis, WorkArea
from commitments.models import Commitment, CurrentProgress, Evidence, MemberState, ProgressReport
from indicators.demo import create_demo_indicators
from indicators.models import Indicator
from tests.progress_data import make_published_reports

pytestmark = pytest.mark.django_db

# Attributes whose text a reader meets: shown on hover, read out or shown instead of an image.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
# Names that are the same in every language the portal speaks; each is also in the plan's
# or the portal's name, so nothing else can hide behind them.
NAMES = {"CELAC", "PPT", "CSV", "JSON"}
# Words a language writes as English does, where the page uses them: "Error 404" in
# Spanish, a "link" in Brazilian Portuguese, the "Pages" of a list and an indicator's
# "Description" in French, and a state's "No" to a yes-or-no indicator in Spanish.
SAME_WORDS = {"es": {"Error", "No"}, "pt": {"link"}, "fr": {"Pages", "Description"}}
# What is not language once names are set aside: digits, punctuation, symbols, acronyms in
# capitals (ISO codes, agencies' acronyms) and references such as 13.1.2.
NOT_WORDS = re.compile(r"\b[A-Z]{2,}\b|[\d\W_]+")


class InterfaceText(HTMLParser):
    """The texts of a page that its language should decide: text nodes and the read
    attributes, outside elements marked as written in another language (the plan's own
    Spanish text, the language switcher's names), outside scripts and styles and outside
    ``<code>`` (the open data's column names)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []  # (tag, written in another language or not read)
        self.texts = []

    def _elsewhere(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skipped = (
            self._elsewhere()
            or tag in ("script", "style", "code")
            or (lang is not None and lang.split("-")[0] != self.language and tag != "html")
        )
        if not skipped:
            self.texts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._elsewhere():
            self.texts.append(data)


def is_language(text, language):
    same = NAMES | SAME_WORDS.get(language, set())
    words = " ".join(word for word in text.split() if word.strip("()") not in same)
    return bool(NOT_WORDS.sub("", words))


def interface_texts(html, language, data=()):
    """The page's texts that are language, whitespace collapsed, once ``data`` is taken out
    of them: the names and texts of the plan and what the states wrote, the same on every
    page whatever its language (the names of work areas in the filters' options, a state's
    name in its page's title)."""
    parser = InterfaceText(language)
    parser.feed(html)
    texts = {" ".join(text.split()) for text in parser.texts}
    if data:
        written = re.compile("|".join(map(re.escape, sorted(data, key=len, reverse=True))))
        texts = {text for text in texts if is_language(written.sub(" ", text), language)}
    return {text for text in texts if is_language(text, language)}


def plan_and_state_texts():
    """The names and texts of the plan and the narratives of the states' reports."""
    texts = set()
    for model, fields in (
        (MemberState, ["name"]),
        (WorkArea, ["name"]),
        (ThematicAxis, ["name"]),
        (Agency, ["name", "acronym"]),
        (Official, ["name", "title"]),
        (Commitment, ["text"]),
        (ProgressReport, ["narrative"]),
        (Evidence, ["url", "title"]),
    ):
        for values in model.objects.values_list(*fields):
            texts.update(value for value in values if value and len(value) > 2)
    # The states' names in every language ("Belize" in English, Portuguese and French).
    for state in MemberState.objects.all():
        texts.update(state.name_in(lang) for lang in ("en", "pt", "fr"))
    return texts


@pytest.fixture
def pages(plan):
    """The public pages, with published reports on them (some replaced by a later one, one
    with a file and a link as evidence, others with none); and the texts the member states
    wrote."""
    make_published_reports(400)
    # México and Argentina report again on some commitments: their earlier reports are
    # replaced.
    make_published_reports(40, seed=8, states=["MX", "AR"])
    current = CurrentProgress.objects.select_related("report", "commitment").filter(
        commitment__reference="1.1"
    )
    with_evidence = current.first().report
    Evidence.objects.create(report=with_evidence, url="https://example.org/informe")
    Evidence.objects.create(
        report=with_evidence,
        file=ContentFile(b"%PDF-1.4 informe", name="informe.pdf"),
        size=16,
        content_type="application/pdf",
    )
    create_demo_indicators({}, None)
    indicator = Indicator.objects.get(commitment__reference="6.3")
    data = plan_and_state_texts()
    data.update(Indicator.objects.values_list("title", flat=True))
    data.update(Indicator.objects.exclude(unit="").values_list("unit", flat=True))
    agency = Agency.objects.order_by("acronym").first()
    report = ProgressReport.objects.published().order_by("pk").first()
    paths = [
        "/",
        "/commitments/",
        "/commitments/?state=MX&status=in_progress&sort=-progress",
        "/commitments/?due_after=not-a-date",
        "/commitments/13.1/",
        "/commitments/1.1/",
        "/states/AR/",
        "/areas/13/",
        f"/agencies/{agency.acronym}/",
        f"/reports/{with_evidence.pk}/",
        f"/reports/{report.pk}/",
        "/about/figures/",
        "/areas/",
        "/agencies/",
        "/map/",
        "/search/?q=oceanica",
        "/search/?q=",
        "/indicators/",
        f"/indicators/{indicator.pk}/",
        "/attention/",
        "/states/",
        "/states/compare/?s=MX&s=AR",
        "/changes/",
        "/changes/?state=ZZ&area=99",
        "/no-such-page/",
    ]
    return paths, data


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_no_interface_text_is_left_in_english(pages, language):
    paths, data = pages
    client = Client()
    left_in_english = {}
    for path in paths:
        english = client.get(f"/en{path}")
        translated = client.get(f"/{language}{path}")
        assert english.status_code == translated.status_code, path
        assert english.status_code in (200, 404), path
        same = interface_texts(english.text, "en", data) & interface_texts(
            translated.text, language, data
        )
        if same:
            left_in_english[path] = sorted(same)
    assert not left_in_english, "\n".join(
        f"{path}: {texts}" for path, texts in left_in_english.items()
    )


def test_the_pages_checked_show_the_texts_that_were_once_left_in_english(pages):
    """The pages above do show the strings that used to stay in English, so the test above
    reads them."""
    paths, _data = pages
    client = Client()
    english = "".join(client.get(f"/en{path}").text for path in paths)
    for text in (
        "No report",
        "None attached",
        "No deadline in the plan",
        "Current",
        "replaced by a later report",
        "Attached file",
    ):
        assert re.search(rf">\(?{text}\)?<", english), text


def test_a_text_in_another_language_or_without_words_is_not_counted():
    html = (
        '<p>Bonjour <span lang="es">Área de trabajo</span></p>'
        '<a title="Aide" lang="en">Help</a><td>13.1</td><td>45 %</td><td>SRE</td>'
        "<p>CSV</p><p>3 / 5</p><script>var x = 'code';</script><img alt='Carte'>"
    )
    assert interface_texts(html, "fr") == {"Bonjour", "Carte"}


def test_the_plan_and_the_states_texts_are_not_counted():
    html = "<title>Argentina · CELAC PPT 2020</title><option>3. Nombre del área</option>"
    assert interface_texts(html, "fr", data={"Argentina", "Nombre del área"}) == set()
