"""A shared address shows a card: every public page names its title, summary, absolute
address, language and image in Open Graph and Twitter card tags, and the dashboard, each
member state and each commitment have an image drawn on the server with their figures,
served as a public page (ETag, 304, kept, new when the figures change)."""

import io
from html.parser import HTMLParser

import pytest
from django.conf import settings
from PIL import Image

from indicators.demo import create_demo_indicators
from indicators.models import Indicator
from tests.test_addresses import PAGES
from tests.test_dashboard import published

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")
# Public pages the list of every page does not name: the states' ranking and comparison,
# what needs attention, a filtered list of changes, an indicator.
MORE_PAGES = [
    "/open-data/",
    "/attention/",
    "/states/",
    "/states/compare/",
    "/states/compare/?s=MX&s=AR",
    "/changes/?state=MX",
    "INDICATOR",
]
IMAGES = ["/es/share/dashboard.png", "/en/share/states/MX.png", "/fr/share/commitments/13.1.png"]


class Meta(HTMLParser):
    """The page's ``<meta property|name content>`` tags: {name: [content, ...]}."""

    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("property") or attrs.get("name")
        if tag == "meta" and name:
            self.tags.setdefault(name, []).append(attrs.get("content"))


def meta_of(response):
    parser = Meta()
    parser.feed(response.content.decode())
    return parser.tags


def png(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


@pytest.mark.parametrize("url", IMAGES)
def test_each_share_image_is_a_1200_by_630_png(client, plan, url):
    published("13.1.1", "MX", 40)
    assert png(client.get(url)).size == (1200, 630)


@pytest.mark.parametrize("language", ["es", "pt"])
def test_every_public_page_has_its_share_card_with_absolute_addresses(client, plan, language):
    report = published("1.1", "MX", 40)
    own_images = {
        "/": "/share/dashboard.png",
        "/commitments/13.1/": "/share/commitments/13.1.png",
        "/commitments/1.1/?page=2": "/share/commitments/1.1.png",
        "/states/AR/": "/share/states/AR.png",
    }
    locales = {"es": "es_MX", "en": "en_US", "pt": "pt_BR", "fr": "fr_FR"}
    create_demo_indicators({}, None)
    indicator = Indicator.objects.get(commitment__reference="6.3")
    special = {"REPORT": f"/reports/{report.pk}/", "INDICATOR": f"/indicators/{indicator.pk}/"}
    for page in [*PAGES, *MORE_PAGES]:
        path = f"/{language}" + special.get(page, page)
        tags = meta_of(client.get(path))
        single = {name: values[0] for name, values in tags.items()}
        assert single["og:type"] == "website", path
        assert single["og:title"] and single["og:description"], path
        assert single["og:description"] == single["description"], path
        assert single["og:url"] == SITE + path, path
        assert single["og:locale"] == locales[language], path
        assert sorted(tags["og:locale:alternate"]) == sorted(
            locale for code, locale in locales.items() if code != language
        ), path
        image = own_images.get(page, "/share/dashboard.png")
        assert single["og:image"] == f"{SITE}/{language}{image}", path
        assert (single["og:image:width"], single["og:image:height"]) == ("1200", "630"), path
        assert single["og:image:alt"], path
        assert single["twitter:card"] == "summary_large_image", path
        assert png(client.get(single["og:image"].removeprefix(SITE))).size == (1200, 630)


def test_cards_say_the_figures_in_the_pages_language(client, plan):
    published("1.1", "MX", 40)
    state = {k: v[0] for k, v in meta_of(client.get("/en/states/MX/")).items()}
    # The state is named in the page's language, as the page names it.
    assert state["og:title"] == "Mexico"
    assert state["og:description"].startswith("Mexico in the CELAC PPT 2020 work plan")
    assert "40 %" in state["og:description"] or "40%" in state["og:description"]
    assert "1 of 29 top-level commitments reported" in state["og:image:alt"]
    # One of 29 reported: the figure is preliminary, as the page's headline says.
    assert "preliminary" in state["og:description"]
    french = {k: v[0] for k, v in meta_of(client.get("/fr/states/AR/")).items()}
    assert french["og:title"] == "Argentine"
    dashboard = {k: v[0] for k, v in meta_of(client.get("/es/")).items()}
    assert dashboard["og:title"] == "Plan de trabajo de la PPT 2020 de la CELAC: avance"
    assert "1 de 33" in dashboard["og:image:alt"]


def test_pages_for_signed_in_people_carry_no_card(client, plan):
    tags = meta_of(client.get("/es/accounts/login/"))
    assert "og:image" not in tags and "twitter:card" not in tags


def test_an_image_is_drawn_anew_after_a_publish_and_revalidates_with_304(client, plan):
    url = "/es/share/states/MX.png"
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    kept = client.get(url)  # the kept copy: the same bytes under the same tag
    assert kept.content == first.content and kept["ETag"] == first["ETag"]
    published("1.1", "MX", 40)
    after = client.get(url, headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert after.content != first.content
    assert "public" in after["Cache-Control"]
    # Already compressed: sent as it is, whatever the client accepts.
    assert not client.get(url, headers={"accept-encoding": "br, gzip"}).has_header(
        "Content-Encoding"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/es/share/states/ZZ.png",
        "/es/share/commitments/99.9.png",
        "/es/share/commitments/1.1.jpg",
        "/es/share/areas/3.png",
        "/es/share/dashboard.svg",
    ],
)
def test_a_bad_image_address_is_404(client, plan, url):
    assert client.get(url).status_code == 404


def test_a_commitment_card_reads_the_plan_in_the_pages_language(client, plan):
    from commitments.models import Commitment

    commitment = Commitment.objects.get(reference="13.1")
    spanish = {k: v[0] for k, v in meta_of(client.get("/es/commitments/13.1/")).items()}
    assert commitment.text_es.split()[0] in spanish["og:description"]
    assert "unofficial" not in spanish["og:description"]
    english = {k: v[0] for k, v in meta_of(client.get("/en/commitments/13.1/")).items()}
    assert commitment.text_en.split()[0] in english["og:description"]
    assert "(unofficial translation)" in english["og:description"]
    image = client.get("/en/share/commitments/13.1.png")
    assert png(image).size == (1200, 630)
    assert image.content != client.get("/es/share/commitments/13.1.png").content
