"""Where to spend a voucher: /p/<campaign>/shops lists the campaign's participating shops (name, category, address,
town, opening hours, a link that opens the phone's maps app), searched by name and town on the server. The town and
street come from the shop's structured postal address when it has one, else from its free-text address."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from voucher_server.db import Database
from voucher_server.models_books import PostalAddress
from voucher_server.services import shops as svc

from .conftest import Api

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    a = Api(db_url)
    db = Database(db_url)
    with db.writing() as s:
        svc.set_details(s, "M0001", "Boulangerie  pâtisserie", "Mar–Sam 7 h – 19 h\n\n  Dim 7 h – 12 h30 ", True,
                        "ops@ville.example", NOW)
        # The bookshop moved its address to a structured one in another town: that one wins over the free text.
        s.add(PostalAddress(merchant_id="M0002", street_name="rue Émile Zola", building_number="8",
                            post_code="69100", town_name="Villeurbanne", country="FR"))
    db.dispose()
    yield a
    a.close()


def names(page: str) -> list[str]:
    return [htmllib.unescape(n) for n in re.findall(r"<h2>([^<]+)</h2>", page)]


def test_the_campaign_s_shops_with_their_details_and_a_maps_link(api: Api) -> None:
    r = api.client.get("/p/BOOST24/shops")
    assert r.status_code == 200 and "script" not in r.text.lower()
    page = r.text
    # Participating merchants only: not Garage Dupuis (not in BOOST24), not the tobacconist (sells, takes none).
    assert names(page) == ["Boulangerie Martin", "Librairie du Centre"]  # by town: Lyon, then Villeurbanne
    assert "Boulangerie pâtisserie" in page
    assert "<li>Mar–Sam 7 h – 19 h</li><li>Dim 7 h – 12 h30</li>" in page
    assert "3 rue de la République<br>69001 <span class=\"town\">Lyon</span>" in page
    assert "8 rue Émile Zola<br>69100 <span class=\"town\">Villeurbanne</span>" in page
    assert 'href="geo:0,0?q=Boulangerie%20Martin%2C%203%20rue%20de%20la%20R%C3%A9publique%2C%2069001%20Lyon"' in page
    assert "https://www.google.com/maps/search/?api=1&amp;query=Librairie%20du%20Centre%2C%208%20rue" in page
    assert "2 commerce(s) sur 2" in page
    en = api.client.get("/p/BOOST24/shops", params={"lang": "en"}).text
    assert "Where to spend the vouchers" in en and "2 shop(s) of 2" in en and 'name="lang" value="en"' in en


def test_search_by_name_kind_and_town_accent_blind(api: Api) -> None:
    def found(**params: str) -> list[str]:
        r = api.client.get("/p/BOOST24/shops", params=params)
        assert r.status_code == 200
        return names(r.text)

    assert found(q="librairie") == ["Librairie du Centre"]
    assert found(q="PATISSERIE") == ["Boulangerie Martin"]  # the category, case and accent blind
    assert found(q="villeur") == ["Librairie du Centre"]  # a town in the one box
    assert found(town="Lyon") == ["Boulangerie Martin"]
    assert found(town="lyon", q="librairie") == []
    page = api.client.get("/p/BOOST24/shops", params={"q": "garage"}).text
    assert "Aucun commerce ne correspond" in page and "0 commerce(s) sur 2" in page
    assert '<option value="Lyon">Lyon</option><option value="Villeurbanne">Villeurbanne</option>' in page


def test_a_shop_taken_off_the_list_and_an_unknown_campaign(api: Api) -> None:
    db = Database(api.db_url)
    with db.writing() as s:
        svc.set_details(s, "M0001", "", "", False, "ops@ville.example", NOW)
        with pytest.raises(svc.DetailsError) as err:
            svc.set_details(s, "M0002", "x" * 61, "", True, "ops@ville.example", NOW)
        assert err.value.field == "category"
        with pytest.raises(svc.DetailsError):
            svc.set_details(s, "M9999", "", "", True, "ops@ville.example", NOW)
    db.dispose()
    assert names(api.client.get("/p/BOOST24/shops").text) == ["Librairie du Centre"]
    r = api.client.get("/p/NOPE/shops")
    assert r.status_code == 404 and "Opération introuvable" in r.text


def test_split_free_text_addresses() -> None:
    assert svc.split_address("3 rue de la République, 69001 Lyon") == ("3 rue de la République", "69001", "Lyon")
    assert svc.split_address("1 quai, 75004 Paris Cedex 04") == ("1 quai", "75004", "Paris Cedex 04")
    assert svc.split_address("Marché couvert") == ("Marché couvert", "", "")


def test_the_cli_sets_details_and_prints_the_list_as_the_page_shows_it(api: Api,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from voucher_server.cli import main

    main(["shop-details", "M0002", "--db", api.db_url, "--category", "Librairie", "--hours", "Lun–Sam 10 h – 19 h",
          "--hours", "Dim fermé", "--by", "ops@ville.example"])
    out = json.loads(capsys.readouterr().out)
    assert out == {"merchant_id": "M0002", "category": "Librairie", "opening_hours": ["Lun–Sam 10 h – 19 h",
                                                                                      "Dim fermé"], "listed": True}
    main(["shop-details", "M0002", "--db", api.db_url, "--hidden"])  # keeps the category and hours
    assert json.loads(capsys.readouterr().out)["category"] == "Librairie"
    main(["shops", "BOOST24", "--db", api.db_url, "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert [x["name"] for x in listed["shops"]] == ["Boulangerie Martin"] and listed["total"] == 1
    assert names(api.client.get("/p/BOOST24/shops").text) == ["Boulangerie Martin"]
    main(["shop-details", "M0002", "--db", api.db_url, "--listed"])
    capsys.readouterr()
    main(["shops", "BOOST24", "--db", api.db_url, "--town", "Villeurbanne"])
    text = capsys.readouterr().out
    assert "1 / 2" in text and "Librairie du Centre  [Librairie]  8 rue Émile Zola, 69100 Villeurbanne" in text
    assert "Lun–Sam 10 h – 19 h; Dim fermé" in text
    assert "Lun–Sam 10 h – 19 h" in api.client.get("/p/BOOST24/shops", params={"q": "centre"}).text
